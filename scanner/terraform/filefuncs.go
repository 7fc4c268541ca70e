package terraform

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"path/filepath"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/bmatcuk/doublestar/v4"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/stackgate/stackgate/scanner/vfs"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

// fileAccess resolves the paths file functions are given. Terraform
// resolves relative paths against the working directory, the root module;
// stackgate reads only files inside the root module directory or the
// directory of the module making the call, so a configuration cannot make
// the scanner read (and echo into findings) arbitrary files.
type fileAccess struct {
	l       *loader
	rootAbs string
	modAbs  string
}

// abs is path as the file functions take it: relative to the root module.
func (fa *fileAccess) abs(path string) string {
	if !filepath.IsAbs(path) {
		path = filepath.Join(fa.rootAbs, path)
	}
	return filepath.Clean(path)
}

// display is the name of p in ranges and Module.Files.
func (fa *fileAccess) display(p string) string {
	if r, err := filepath.Rel(fa.rootAbs, p); err == nil {
		return filepath.Join(fa.l.rootDisplay, r)
	}
	return p
}

// within reports whether p is inside directory dir.
func within(dir, p string) bool {
	rel, err := filepath.Rel(dir, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// errOutside is the cause of refusing a path outside the module
// directories. The file functions report it, and the value that needs the
// file is unknown with the reason, rather than quietly empty.
var errOutside = errors.New("is outside the module directory; stackgate does not read it")

// resolve returns path with its symbolic links resolved, and its display
// name, when it is inside the root module's directory or the calling
// module's. A buffer of an overlay resolves to itself.
func (fa *fileAccess) resolve(path string) (string, string, error) {
	p := fa.abs(path)
	real, err := vfs.EvalSymlinks(fa.l.fs, p)
	if err != nil {
		return "", "", fmt.Errorf("no file exists at %q", path)
	}
	for _, dir := range []string{fa.rootAbs, fa.modAbs} {
		// The directory as given and as resolved: a resolved path is
		// inside either only if it is inside the real directory, and a
		// buffer's path, not resolved, is compared with the given one.
		if within(dir, real) {
			return real, fa.display(p), nil
		}
		if d, err := vfs.EvalSymlinks(fa.l.fs, dir); err == nil && within(d, real) {
			return real, fa.display(p), nil
		}
	}
	return "", "", fmt.Errorf("%q %w", path, errOutside)
}

func (fa *fileAccess) read(path string) ([]byte, error) {
	real, display, err := fa.resolve(path)
	if err != nil {
		return nil, err
	}
	if st, err := fa.l.fs.Stat(real); err != nil || st.IsDir() {
		return nil, fmt.Errorf("no file exists at %q", path)
	}
	src, err := fa.l.fs.ReadFile(real)
	if err != nil {
		return nil, fmt.Errorf("%q: %w", path, vfs.WithoutPath(err))
	}
	fa.l.mu.Lock()
	fa.l.files[display] = src
	fa.l.mu.Unlock()
	return src, nil
}

// add puts the file system functions into funcs.
func (fa *fileAccess) add(funcs map[string]function.Function) {
	readAs := func(conv func([]byte) (string, error)) function.Function {
		return function.New(&function.Spec{
			Params: []function.Parameter{{Name: "path", Type: cty.String}},
			Type:   function.StaticReturnType(cty.String),
			Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
				src, err := fa.read(args[0].AsString())
				if err != nil {
					return cty.NilVal, err
				}
				s, err := conv(src)
				if err != nil {
					return cty.NilVal, err
				}
				return cty.StringVal(s), nil
			},
		})
	}
	text := func(b []byte) (string, error) {
		if !utf8.Valid(b) {
			return "", fmt.Errorf("contents are not valid UTF-8; use filebase64 to read binary files")
		}
		return string(b), nil
	}
	hashed := func(h func() hash.Hash, enc func([]byte) string) func([]byte) (string, error) {
		return func(b []byte) (string, error) {
			s := h()
			s.Write(b)
			return enc(s.Sum(nil)), nil
		}
	}
	funcs["file"] = readAs(text)
	funcs["filebase64"] = readAs(func(b []byte) (string, error) { return base64.StdEncoding.EncodeToString(b), nil })
	funcs["filemd5"] = readAs(hashed(md5.New, hex.EncodeToString))
	funcs["filesha1"] = readAs(hashed(sha1.New, hex.EncodeToString))
	funcs["filesha256"] = readAs(hashed(sha256.New, hex.EncodeToString))
	funcs["filesha512"] = readAs(hashed(sha512.New, hex.EncodeToString))
	funcs["filebase64sha256"] = readAs(hashed(sha256.New, base64.StdEncoding.EncodeToString))
	funcs["filebase64sha512"] = readAs(hashed(sha512.New, base64.StdEncoding.EncodeToString))
	funcs["fileexists"] = function.New(&function.Spec{
		Params: []function.Parameter{{Name: "path", Type: cty.String}},
		Type:   function.StaticReturnType(cty.Bool),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			real, _, err := fa.resolve(args[0].AsString())
			if err != nil {
				if errors.Is(err, errOutside) {
					return cty.NilVal, err
				}
				return cty.False, nil
			}
			st, err := fa.l.fs.Stat(real)
			return cty.BoolVal(err == nil && st.Mode().IsRegular()), nil
		},
	})
	funcs["fileset"] = function.New(&function.Spec{
		Params: []function.Parameter{{Name: "path", Type: cty.String}, {Name: "pattern", Type: cty.String}},
		Type:   function.StaticReturnType(cty.Set(cty.String)),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			real, _, err := fa.resolve(args[0].AsString())
			if errors.Is(err, errOutside) {
				return cty.NilVal, err
			}
			if err != nil {
				return cty.SetValEmpty(cty.String), nil // as Terraform: no such directory, no matches
			}
			matches, err := doublestar.Glob(vfs.Sub(fa.l.fs, real), args[1].AsString(), doublestar.WithFilesOnly())
			if err != nil {
				return cty.NilVal, fmt.Errorf("failed to glob pattern %q: %w", args[1].AsString(), err)
			}
			if len(matches) == 0 {
				return cty.SetValEmpty(cty.String), nil
			}
			sort.Strings(matches)
			vals := make([]cty.Value, len(matches))
			for i, m := range matches {
				vals[i] = cty.StringVal(m)
			}
			return cty.SetVal(vals), nil
		},
	})
	// templatefile and templatestring render a template with the given
	// variables and every function except the two of them (Terraform
	// forbids recursion).
	render := func(name string, src []byte, vars cty.Value) (cty.Value, error) {
		if !vars.IsWhollyKnown() {
			return cty.DynamicVal, nil
		}
		ty := vars.Type()
		if !(ty.IsObjectType() || ty.IsMapType()) || vars.IsNull() {
			return cty.NilVal, function.NewArgErrorf(1, "invalid vars value: must be a map")
		}
		if err := checkSource(name, src); err != nil {
			return cty.NilVal, fmt.Errorf("%s", err.Message)
		}
		expr, diags := hclsyntax.ParseTemplate(src, name, hcl.InitialPos)
		if diags.HasErrors() {
			return cty.NilVal, diags
		}
		ctx := &hcl.EvalContext{Variables: vars.AsValueMap(), Functions: map[string]function.Function{}}
		for fn, f := range funcs {
			if fn != "templatefile" && fn != "templatestring" {
				ctx.Functions[fn] = f
			}
		}
		v, diags := expr.Value(ctx)
		if diags.HasErrors() {
			return cty.NilVal, diags
		}
		return v, nil
	}
	funcs["templatefile"] = function.New(&function.Spec{
		Params: []function.Parameter{{Name: "path", Type: cty.String}, {Name: "vars", Type: cty.DynamicPseudoType}},
		Type:   function.StaticReturnType(cty.DynamicPseudoType),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			path := args[0].AsString()
			src, err := fa.read(path)
			if err != nil {
				return cty.NilVal, err
			}
			return render(path, src, args[1])
		},
	})
	funcs["templatestring"] = function.New(&function.Spec{
		Params: []function.Parameter{{Name: "template", Type: cty.String}, {Name: "vars", Type: cty.DynamicPseudoType}},
		Type:   function.StaticReturnType(cty.DynamicPseudoType),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			return render("templatestring", []byte(args[0].AsString()), args[1])
		},
	})
	funcs["abspath"] = stringFunc(func(p string) string {
		if !filepath.IsAbs(p) {
			p = filepath.Join(fa.rootAbs, p)
		}
		return filepath.ToSlash(filepath.Clean(p))
	})
}
