package cfn

import (
	"fmt"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// This file handles what a template leaves to deploy time or to a
// packager: macros (Transform, Fn::Transform), AWS SAM's generated
// resources, Fn::GetStackOutput and rain directives. Their values are
// unknown, each with a note; the rest of the template is checked. Only
// what CloudFormation would still reject after the transforms and the
// packager have run is an error.

// samTransform is the AWS SAM transform.
const samTransform = "AWS::Serverless-2016-10-31"

// topSections are the sections CloudFormation accepts at the top level of
// a template.
var topSections = []string{
	"AWSTemplateFormatVersion", "Description", "Metadata", "Parameters", "Rules",
	"Mappings", "Conditions", "Transform", "Resources", "Outputs", "Hooks",
}

// noteAt records a note about the value at node n, with its line.
func (l *loader) noteAt(n *yaml.Node, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if n != nil && n.Line > 0 {
		msg = fmt.Sprintf("%s:%d: %s", l.src.file, n.Line, msg)
	} else {
		msg = l.src.file + ": " + msg
	}
	if l.noted == nil {
		l.noted = map[string]bool{}
	}
	if !l.noted[msg] {
		l.noted[msg] = true
		l.notes = append(l.notes, msg)
	}
}

// macroName names the macro of a Fn::Transform argument.
func macroName(arg *yaml.Node) string {
	if nm := mapGet(arg, "Name"); nm != nil && nm.Kind == yaml.ScalarNode && nm.Value != "" {
		return "macro " + nm.Value
	}
	return "a macro"
}

// transformVal is the value of a Fn::Transform call: the macro replaces
// it at deploy time, so it is unknown here.
func (l *loader) transformVal(n, arg *yaml.Node) *value {
	name := macroName(arg)
	l.noteAt(n, "Fn::Transform (%s) replaces this value at deploy time; it is checked as unknown", name)
	return unknownVal(n, "Fn::Transform ("+name+") is expanded at deploy time")
}

// rainVal is the value of a rain directive (!Rain::Embed, !Rain::S3, ...),
// which `rain pkg` replaces before CloudFormation sees the template.
func (l *loader) rainVal(n *yaml.Node, tag string) *value {
	d := strings.TrimPrefix(tag, "!")
	l.noteAt(n, "!%s is a rain directive, replaced by `rain pkg`: this value is unknown here; scan the `rain pkg` output to settle it", d)
	return unknownVal(n, "!"+d+" is a rain directive, replaced by `rain pkg`")
}

// getStackOutput is Fn::GetStackOutput {StackName, OutputName[, Region,
// RoleArn]}: another stack's output, read at deploy time. The reason names
// the stack and output when they are known (a NoEcho parameter never is).
func (l *loader) getStackOutput(n, arg *yaml.Node, sc *scope) *value {
	if arg.Kind != yaml.MappingNode {
		return l.fail(n, "Fn::GetStackOutput takes a mapping with StackName and OutputName, not %s", kindName(arg))
	}
	desc := map[string]string{}
	for _, k := range []string{"StackName", "OutputName"} {
		a := mapGet(arg, k)
		if a == nil {
			return l.fail(n, "Fn::GetStackOutput needs %s", k)
		}
		v := l.eval(a, sc)
		switch {
		case v.kind == vScalar && v.ref == nil:
			s, _ := scalarString(v.s)
			desc[k] = s
		case v.kind == vScalar || v.kind == vUnknown:
			desc[k] = "known only at deploy time"
		default:
			return l.fail(a, "the %s of Fn::GetStackOutput must be a string, not %s", k, valueKind(v))
		}
	}
	for _, k := range []string{"Region", "RoleArn"} {
		if a := mapGet(arg, k); a != nil {
			l.eval(a, sc) // for its errors
		}
	}
	return unknownVal(n, fmt.Sprintf("Fn::GetStackOutput reads output %s of stack %s at deploy time", quoteKnown(desc["OutputName"]), quoteKnown(desc["StackName"])))
}

func quoteKnown(s string) string {
	if s == "known only at deploy time" {
		return "(" + s + ")"
	}
	return s
}

// hasRain reports whether the template uses a rain directive anywhere: a
// !Rain:: tag, or a Rain:: key (the JSON form).
func hasRain(n *yaml.Node) bool {
	if strings.HasPrefix(n.Tag, "!Rain::") {
		return true
	}
	for i, c := range n.Content {
		if n.Kind == yaml.MappingNode && i%2 == 0 && strings.HasPrefix(c.Value, "Rain::") {
			return true
		}
		if hasRain(c) {
			return true
		}
	}
	return false
}

// opened records that something in the template adds resources or
// parameters at deploy time (or in a packager): references to names the
// template does not declare are then unknown, not errors.
func (l *loader) opened(why string) {
	if !slices.Contains(l.openers, why) {
		l.openers = append(l.openers, why)
	}
}

// generated returns an unknown value, with a note, for a reference to a
// name the template does not declare but that a transform, macro or
// packager may create; nil when nothing may (the reference is an error).
func (l *loader) generated(n *yaml.Node, id, fn string) *value {
	why, ok := l.generators[id]
	if !ok {
		why = l.generator(id)
		if l.generators == nil {
			l.generators = map[string]string{}
		}
		l.generators[id] = why
	}
	if why == "" {
		return nil
	}
	l.noteAt(n, "%s refers to %s, which the template does not declare: %s; the value is checked as unknown", fn, id, why)
	return unknownVal(n, id+" is not declared in the template; "+why)
}

// generator says what may create the logical id id, or "".
func (l *loader) generator(id string) string {
	if l.sam {
		if base := l.samBase(id); base != "" {
			return "the " + samTransform + " transform generates it from " + base + " (" + l.types[base] + ")"
		}
		if strings.HasPrefix(id, "ServerlessRestApi") || strings.HasPrefix(id, "ServerlessHttpApi") {
			return "the " + samTransform + " transform generates it for the implicit API of the template's functions"
		}
	}
	if len(l.openers) > 0 {
		return l.openers[0]
	}
	return ""
}

// samBase is the AWS::Serverless resource whose logical id is the longest
// prefix of id (MyFunction for MyFunctionRole, MyApi for MyApiProdStage or
// MyApi.Stage), or "".
func (l *loader) samBase(id string) string {
	if l.serverless == nil {
		// The AWS::Serverless resources, once: references are many.
		l.serverless = []string{}
		for d, t := range l.types {
			if strings.HasPrefix(t, "AWS::Serverless::") {
				l.serverless = append(l.serverless, d)
			}
		}
	}
	best := ""
	for _, d := range l.serverless {
		t := l.types[d]
		if strings.HasPrefix(t, "AWS::Serverless::") && len(id) > len(d) && strings.HasPrefix(id, d) && len(d) > len(best) {
			best = d
		}
	}
	return best
}

// sections checks the top-level keys of the template. A key CloudFormation
// does not know is an error, unless a macro or packager that may remove it
// runs first.
func (l *loader) sections(root *yaml.Node) {
	for i := 0; i+1 < len(root.Content); i += 2 {
		k := root.Content[i]
		switch {
		case slices.Contains(topSections, k.Value):
		case k.Value == "Globals" && l.sam:
		case k.Value == "Fn::Transform":
			name := macroName(root.Content[i+1])
			l.noteAt(k, "Fn::Transform (%s) adds to the template at deploy time; what it adds is not checked", name)
			l.opened("Fn::Transform (" + name + ") at the top level of the template may add it at deploy time")
		case len(l.macros) > 0 || l.rain:
			l.noteAt(k, "section %s is not a CloudFormation section; it is left to %s", k.Value, l.preprocessor())
		default:
			hint := ""
			for _, s := range topSections {
				if strings.EqualFold(strings.TrimSuffix(s, "s"), strings.TrimSuffix(k.Value, "s")) {
					hint = " (did you mean " + s + "?)"
				}
			}
			if k.Value == "Globals" {
				hint = " (Globals is a section of AWS SAM templates, which need Transform: " + samTransform + ")"
			}
			l.errorf(k, "%s is not a template section%s; CloudFormation accepts only %s", k.Value, hint, strings.Join(topSections, ", "))
		}
	}
}

// preprocessor names what runs on the template before CloudFormation
// checks it.
func (l *loader) preprocessor() string {
	if len(l.macros) > 0 {
		return "the macro " + l.macros[0]
	}
	return "`rain pkg`"
}

// sectionTransform handles a Fn::Transform key in a section (AWS::Include
// of Parameters, Resources, Conditions, Mappings): what it adds is not
// checked, and references to names it may add are unknown.
func (l *loader) sectionTransform(section string, k, v *yaml.Node) string {
	name := macroName(v)
	l.noteAt(k, "Fn::Transform (%s) adds to %s at deploy time; what it adds is not checked", name, section)
	why := "Fn::Transform (" + name + ") in " + section + " may add it at deploy time"
	if section != "Mappings" && section != "Conditions" {
		l.opened(why)
	}
	return why
}
