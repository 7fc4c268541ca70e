package terraform

import (
	"errors"
	"io/fs"
	"maps"
	"path/filepath"
	"slices"
	"strings"

	"github.com/stackgate/stackgate/scanner/vfs"
)

// callState is a module call of a module instance, expanded once.
type callState struct {
	exp        expansion
	insts      []*modInst
	unresolved string // why the module is not scanned, when it is not
}

// isLocalSource reports whether a module source is a local path, which
// Terraform recognises by its "./" or "../" prefix.
func isLocalSource(s string) bool {
	return strings.HasPrefix(s, "./") || strings.HasPrefix(s, "../") || s == "." || s == ".."
}

// expandCall resolves a module call's source, evaluates its count or
// for_each and creates its instances.
func (m *modInst) expandCall(call *moduleCall) *callState {
	if cs, ok := m.calls[call.name]; ok {
		return cs
	}
	l := m.l
	cs := &callState{}
	m.calls[call.name] = cs
	addr := m.prefix() + "module." + call.name
	key := call.name
	if m.key != "" {
		key = m.key + "." + call.name
	}
	var display, abs string
	switch {
	case isLocalSource(call.source):
		display = filepath.Join(m.cfg.display, filepath.FromSlash(call.source))
		abs = filepath.Join(m.cfg.abs, filepath.FromSlash(call.source))
	case l.installed[key] != "":
		abs = l.installed[key]
		display = abs
		if rel, err := filepath.Rel(l.rootAbs, abs); err == nil {
			display = filepath.Join(l.rootDisplay, rel)
		}
	default:
		cs.unresolved = addr + " (source " + call.source + ") is not scanned; its outputs are unknown"
		l.note("%s: source %s is a registry or remote module that is not in .terraform/modules (run terraform init); not scanned", addr, call.source)
	}
	if cs.unresolved == "" {
		if err := m.checkSourceDir(call, display, abs); err != nil {
			l.addErr(err)
			cs.unresolved = addr + " could not be loaded"
		}
	}
	if cs.unresolved == "" {
		for a := m; a != nil; a = a.parent {
			if a.cfg.abs == abs {
				l.addErr(errAt(call.sourceRng, "module %q calls %s, which is already being expanded by %s: a module must not call itself, directly or through other modules", call.name, display, a.where()))
				cs.unresolved = addr + " calls itself"
				break
			}
		}
	}
	if cs.unresolved == "" && m.depth+1 > MaxModuleDepth {
		l.addErr(errAt(call.sourceRng, "module %q: modules are nested more than %d levels deep", call.name, MaxModuleDepth))
		cs.unresolved = addr + " is nested too deeply"
	}
	var ok bool
	if cs.exp, ok = m.expand(call.count, call.forEach, addr); !ok {
		cs.unresolved = addr + " could not be expanded"
		return cs
	}
	if cs.unresolved != "" {
		return cs
	}
	cfg := l.config(display, abs)
	if cfg == nil {
		cs.unresolved = addr + " could not be loaded"
		return cs
	}
	for i := 0; i < cs.exp.size(); i++ {
		if l.stopped() {
			cs.unresolved, cs.insts = addr+" was not loaded: "+l.ctx.Err().Error(), nil
			return cs
		}
		child := l.newInst(cfg, m, call, addr+cs.exp.instanceKey(i), cs.exp.data(i), key, m.depth+1)
		for _, name := range slices.Sorted(maps.Keys(call.inputs)) {
			if in := call.inputs[name]; cfg.variables[name] == nil {
				l.addErr(errAt(in.NameRange, "module %q has no variable named %q", call.name, name))
			}
		}
		cs.insts = append(cs.insts, child)
	}
	return cs
}

// checkSourceDir checks that a module call's source is a directory that
// can be read and holds configuration files. What is wrong is reported at
// the call's source attribute, where the user wrote the path (the
// directory itself may be anywhere, outside the scanned tree or nowhere),
// never at the directory. A directory already loaded needs no check.
func (m *modInst) checkSourceDir(call *moduleCall, display, abs string) error {
	l := m.l
	if _, seen := l.configs[abs]; seen {
		return nil
	}
	st, err := l.fs.Stat(abs)
	switch {
	case err != nil && errors.Is(err, fs.ErrNotExist):
		return errAt(call.sourceRng, "module %q: source directory %s does not exist", call.name, display)
	case err != nil:
		return errAt(call.sourceRng, "module %q: cannot read source directory %s: %v", call.name, display, vfs.WithoutPath(err))
	case !st.IsDir():
		return errAt(call.sourceRng, "module %q: source %s is a file, not a module directory", call.name, display)
	}
	names, err := l.fileNames(abs)
	if err != nil {
		return errAt(call.sourceRng, "module %q: cannot read source directory %s: %v", call.name, display, vfs.WithoutPath(err))
	}
	if !slices.ContainsFunc(names, isConfigFile) {
		return errAt(call.sourceRng, "module %q: source directory %s holds no Terraform configuration files (*.tf, *.tf.json)", call.name, display)
	}
	return nil
}
