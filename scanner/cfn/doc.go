// Package cfn loads AWS CloudFormation templates (YAML or JSON) into the
// canonical resource model of package model.
//
// A template is parsed once with go.yaml.in/yaml/v3, whose node tree keeps
// line and column for every value and the short-form intrinsic tags (!Ref,
// !Sub, ...); JSON is a subset of YAML, so one parser gives positions for
// both forms. A .json file is first checked as strict JSON, since the YAML
// parser accepts what JSON does not (a trailing comma). JSON text, whatever
// the file's name, is read instead by a decoder several times faster that
// builds the very tree yaml.v3 would, and leaves to yaml.v3 whatever it is
// not sure to read the same way (see jsonnode.go); a text it reads is
// strict JSON, so the separate check is then skipped. Block YAML of the
// common kind (block collections, one-line scalars, literal blocks, flow
// collections, local tags) is read the same way by a decoder of its own
// (see yamlblock.go), anything else by yaml.v3. A large block-style
// YAML template is parsed section by section and its resources a batch at
// a time, so that the node tree of the whole document is never held (see
// split.go); the nodes, and so every position, are those of the whole
// parse. The loader then evaluates what can be known before deployment:
//
//   - Parameters resolve to the value given in [Options.Params] or else their
//     Default, typed by the parameter Type. A parameter with neither is
//     unknown, as are SSM parameter types (read at deploy time) and NoEcho
//     parameters when used in properties (their value is never copied out).
//   - Pseudo parameters come from [Options] where known.
//   - Conditions are evaluated; resources whose Condition is false are left
//     out and Fn::If picks its branch. A condition that depends on an unknown
//     value is undecided: Fn::If on it is unknown, and a resource whose
//     Condition is undecided is kept (checked as if it were deployed) with a
//     note, because leaving it out would silently pass it.
//   - Intrinsic functions that can be computed statically are computed
//     (Fn::Sub, Fn::Join, Fn::Select, Fn::Split, Fn::FindInMap, Fn::Base64,
//     Fn::Cidr, Fn::Length, Fn::ToJsonString, Fn::ForEach in Resources).
//   - References to other resources (Ref, Fn::GetAtt) become the placeholder
//     "${Id}" or "${Id.Attr}" and an entry in Resource.References, so a rule
//     that only needs to know what a value points at can decide.
//   - Everything else (Fn::ImportValue, Fn::GetAZs, Fn::GetStackOutput,
//     Fn::Transform, rain directives such as !Rain::Embed, values derived
//     from unknown parameters) is stored as nil and listed in
//     Resource.UnknownPaths with the reason, never guessed; macros and rain
//     directives also leave a note with the line.
//   - A reference to a logical id the template does not declare is an
//     error, unless something that runs before CloudFormation may create
//     it: the AWS SAM transform (MyFunctionRole, ServerlessRestApi, ...),
//     another macro, Fn::Transform in a section, or `rain pkg` (modules).
//     It is then unknown, with a note. So is Fn::ForEach in Conditions
//     over a collection that is not known; a known one is expanded.
//
// Scalars are coerced to the type the CloudFormation resource specification
// gives the property (types.json), so "true" and true, "5432" and 5432 look
// the same to rules.
//
// Hostile input (oversized files, YAML aliases, deep nesting, invalid UTF-8,
// duplicate keys, runaway expansion) is rejected with a *model.Error that
// names the file, line and column, in time and memory bounded by the input
// size.
package cfn
