package terraform

import (
	"path/filepath"
	"strings"

	"github.com/stackgate/stackgate/scanner/tfmap"
	"github.com/stackgate/stackgate/scanner/vfs"
)

// Limits that keep hostile or generated configurations bounded in time and
// memory. Real configurations are far below each of them.
const (
	// DefaultMaxInstances bounds the instances one count or for_each creates.
	DefaultMaxInstances = 10000
	// DefaultMaxTotalInstances bounds resource and module instances in a load.
	DefaultMaxTotalInstances = 100000
	// MaxFileBytes is the size over which a file is rejected before it is
	// read, when Options.FS is nil (the disk); a given FS applies its own
	// limit (vfs.OS(MaxFileBytes) applies this one).
	MaxFileBytes = 8 << 20
	// MaxModuleDepth bounds module nesting (root is depth 0).
	MaxModuleDepth = 50
	// MaxNesting bounds bracket nesting in a file, checked before the HCL
	// parser (which recurses per level) sees it.
	MaxNesting = 512
	// MaxValueBytes bounds one value a function call or a for expression
	// element produces: the bytes of its strings, nested ones included.
	// It is twice the largest file (MaxFileBytes) so file(), jsondecode
	// and templatefile of any readable file fit; a policy document or user
	// data script is kilobytes. join grown three times over 1,000
	// elements (100 GB) stops here.
	MaxValueBytes = 16 << 20
	// MaxCollectionElements bounds the elements of one value a function
	// call produces (nested ones included), and of the collection of one
	// for expression. A million is a hundred times the instances one
	// count or for_each may create (DefaultMaxInstances); setproduct or
	// split asking for a billion stops here.
	MaxCollectionElements = 1_000_000
	// MaxForIterations bounds the iterations of every for expression of
	// one load together. hclsyntax takes about two microseconds an
	// iteration, so a million is a few seconds at most; real loads iterate
	// thousands of times. Two for expressions nested over 100,000
	// elements (1e10 iterations) stop here.
	MaxForIterations = 1_000_000
	// MaxExprBytes bounds the bytes produced while one expression is
	// evaluated: function results, for expression elements and template
	// interpolations, each counted as produced. A for expression of
	// 1,000 elements of 2 MB each (the third join above) stops here.
	MaxExprBytes = 64 << 20
	// MaxLoadBytes bounds the same count over a whole load, so that many
	// expressions each under MaxExprBytes cannot add up without end.
	MaxLoadBytes = 256 << 20
	// maxErrors is how many problems one Load reports before it stops.
	maxErrors = 50
)

// Options configures Load.
type Options struct {
	// VarFiles are --var-file paths, applied after terraform.tfvars and
	// *.auto.tfvars (alphabetical), as Terraform does. Relative paths are
	// relative to the current directory, as on Terraform's command line.
	VarFiles []string
	// Vars are --var name=value settings, highest precedence. A value for a
	// variable of a complex type is parsed as an HCL expression.
	Vars map[string]string
	// Env is the environment (os.Environ()), for TF_VAR_name.
	Env []string
	// MaxInstances bounds the instances one count or for_each may create
	// (0: DefaultMaxInstances).
	MaxInstances int
	// MaxTotalInstances bounds resource and module instances in the whole
	// load (0: DefaultMaxTotalInstances).
	MaxTotalInstances int
	// FS is what every file is read through: configuration and variables
	// files, modules.json, module directories, and what the file functions
	// (file, fileexists, fileset, templatefile, ...) read. nil is the disk
	// with the MaxFileBytes limit; an editor passes its unsaved buffers as
	// vfs.WithOverlay(vfs.OS(terraform.MaxFileBytes), buffers).
	FS vfs.FS
	// Ahead are the directories of the modules the root module calls,
	// directly or through others, as they are named in ranges (the scan's
	// Candidate.Modules). A load that waits for a file another load is
	// parsing parses theirs meanwhile (parseWhenFree); nil: it waits.
	Ahead []string
}

// Module is an evaluated root module.
type Module struct {
	// Dir is the root module directory, as given to Load.
	Dir string
	// Resources are the managed and data resources of the root module and
	// of every expanded module, instance by instance, in declaration order.
	Resources []tfmap.Resource
	// Files holds every file read, by the path used in source ranges.
	Files map[string][]byte
	// Notes say what was not evaluated and why (a registry module that is
	// not installed, an unknown for_each, a function not implemented).
	Notes []string
}

// IsModuleDir reports whether dir holds Terraform configuration files
// (*.tf or *.tf.json) in fsys (nil: the disk).
func IsModuleDir(fsys vfs.FS, dir string) bool {
	fsys = orDisk(fsys)
	entries, err := fsys.ReadDir(dir)
	if err != nil {
		return false
	}
	for _, e := range entries {
		if isConfigFile(e.Name()) && isFileEntry(fsys, dir, e) {
			return true
		}
	}
	return false
}

// isConfigFile reports whether name is a Terraform configuration file.
// Editor backups and hidden files are ignored, as Terraform does.
func isConfigFile(name string) bool {
	if strings.HasPrefix(name, ".") || strings.HasPrefix(name, "#") || strings.HasSuffix(name, "~") {
		return false
	}
	return strings.HasSuffix(name, ".tf") || strings.HasSuffix(name, ".tf.json")
}

// isOverrideFile reports whether name is an override file (main_override.tf,
// override.tf.json), which Terraform merges into the other files.
func isOverrideFile(name string) bool {
	base := strings.TrimSuffix(strings.TrimSuffix(name, ".json"), ".tf")
	base = filepath.Base(base)
	return base == "override" || strings.HasSuffix(base, "_override")
}

// orDisk is fsys, or the disk when it is nil.
func orDisk(fsys vfs.FS) vfs.FS {
	if fsys == nil {
		return vfs.OS(MaxFileBytes)
	}
	return fsys
}

func (o Options) maxInstances() int {
	if o.MaxInstances > 0 {
		return o.MaxInstances
	}
	return DefaultMaxInstances
}

func (o Options) maxTotal() int {
	if o.MaxTotalInstances > 0 {
		return o.MaxTotalInstances
	}
	return DefaultMaxTotalInstances
}
