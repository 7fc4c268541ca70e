// Package hooks is stackgate's deployment layer: it turns a CloudFormation
// Lambda hook request into units for the workspace front door, and the
// decided findings into the hook's response. It has no rule logic and
// decides nothing: the gate decides, under the environment the target
// account selects (match.accounts), and the hook only reports.
//
//	h, err := hooks.NewHandler(hooks.Options{ConfigFile: "stackgate.yaml", Region: os.Getenv("AWS_REGION"),
//		CloudFormation: cloudformation.NewFromConfig(cfg), CloudControl: cloudcontrol.NewFromConfig(cfg)})
//	if err != nil { ... }
//	lambda.Start(h.Handle) // func(context.Context, hooks.Request) (hooks.Response, error)
//
// # Target operations
//
//   - RESOURCE: the resource in requestData.targetModel, its properties
//     coerced to their declared types ("true" -> true); an update knows its
//     properties before the change and the paths that change.
//   - STACK: the template (and previous template) fetched from the
//     presigned payload URL and loaded with the CloudFormation loader; each
//     resource is created, updated (the paths that change) or unchanged.
//   - CHANGE_SET: the template from the payload, with each changed
//     resource's change from changedResources (before and after contexts,
//     JSON in a string, scalars as strings); the others unchanged.
//   - CLOUD_CONTROL: as RESOURCE, told apart by its empty stackId (the
//     documented targetType, RESOURCE, is not reliable); the resource is
//     named by type and primary identifier, and messages fit Cloud
//     Control's 1,024 characters.
//
// DELETE_PRE_PROVISION is answered SUCCESS: what is deleted is not judged
// on its configuration.
//
// # Answer
//
// FAILED with NonCompliant when a finding blocks, SUCCESS otherwise; the
// message leads with the most important finding (blocking first, then by
// severity) with its fix, and one annotation per rule evaluated carries
// the rule's result, remediation, link and severity. Every finding is
// also logged as a JSON line. Whatever could not be checked (a payload
// refused, a template that does not load, a configuration that does not
// read) is FAILED with InternalFailure, never SUCCESS: the hook's
// FailureMode decides what CloudFormation does with it.
//
// # Secrets
//
// At deploy time a NoEcho parameter or a dynamic reference arrives
// resolved and unmarked, so every string property that is not from a
// closed set (enumerations, ports, CIDR blocks) is marked sensitive
// (model.Resource.Sensitive) before evaluation, and the hook scrubs those
// values from its messages, annotations and log lines.
//
// # Payloads
//
// Payload URLs are fetched only over HTTPS from S3 endpoints of AWS
// partitions, redirects included; a host that resolves to a loopback,
// link-local, private or unspecified address is refused at dial time; a
// payload is at most MaxPayloadBytes and 10 seconds.
//
// # Drift
//
// Where the environment enables no-drift, each resource being updated is
// checked for drift before evaluation: at CHANGE_SET by
// DetectStackResourceDrift, a few at a time within CloudFormation's 30
// seconds per invocation, answering IN_PROGRESS with a cursor in the
// callback context when time runs short (at most 3 times; what is still
// not checked then is reported as not checked); at RESOURCE and STACK by
// the drift status CloudFormation recorded (DescribeStackResource); at
// CLOUD_CONTROL by comparing the live properties (GetResource) with the
// previous ones, on the properties the code sets. A resource that could
// not be checked is never reported as drifted: no-drift reports it as
// unknown, which the environment's unknown setting decides.
package hooks
