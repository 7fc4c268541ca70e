package hooks

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Request is the event CloudFormation sends a Lambda hook, with every field
// as the CloudFormation Hooks User Guide documents it ("Create a Lambda
// function to evaluate resources", request input). Nullable fields decode
// from null as their zero value.
type Request struct {
	// ClientRequestToken identifies the invocation; the response echoes it.
	ClientRequestToken string `json:"clientRequestToken"`
	// AWSAccountID is the account the operation runs in; it selects the
	// environment (match.accounts).
	AWSAccountID string `json:"awsAccountId"`
	// StackID is the ARN of the stack; empty for Cloud Control operations.
	StackID string `json:"stackId"`
	// ChangeSetID is set when a change set started the operation.
	ChangeSetID string `json:"changeSetId"`
	// HookTypeName is the hook's alias, e.g. Private::Lambda::Stackgate.
	HookTypeName string `json:"hookTypeName"`
	// HookTypeVersion is the version of the hook type, e.g. "00000008".
	HookTypeVersion string `json:"hookTypeVersion"`
	// HookModel is the hook's configuration, {"LambdaFunction": "<arn>"}.
	HookModel map[string]any `json:"hookModel"`
	// ActionInvocationPoint is CREATE_PRE_PROVISION, UPDATE_PRE_PROVISION
	// or DELETE_PRE_PROVISION.
	ActionInvocationPoint string `json:"actionInvocationPoint"`
	// RequestData says what the operation is about.
	RequestData RequestData `json:"requestData"`
	// RequestContext carries the attempt number and what an IN_PROGRESS
	// answer asked to be handed back.
	RequestContext RequestContext `json:"requestContext"`
}

// RequestData is the target of a hook invocation.
type RequestData struct {
	// TargetName is the resource type (RESOURCE, CLOUD_CONTROL), or
	// STACK or CHANGE_SET.
	TargetName string `json:"targetName"`
	// TargetType is the resource type (RESOURCE), STACK or CHANGE_SET;
	// the documentation gives RESOURCE for Cloud Control.
	TargetType string `json:"targetType"`
	// TargetLogicalID is the logical id of the resource (RESOURCE), the
	// stack name (STACK), the change set ARN (CHANGE_SET), or an id the
	// service makes up (CLOUD_CONTROL).
	TargetLogicalID string `json:"targetLogicalId"`
	// TargetModel holds the resource's properties (RESOURCE,
	// CLOUD_CONTROL).
	TargetModel *TargetModel `json:"targetModel,omitempty"`
	// Payload is the presigned S3 URL of the template(s) (STACK,
	// CHANGE_SET).
	Payload string `json:"payload,omitempty"`
}

// TargetModel holds a resource's properties before and after the
// operation. Scalars may arrive as strings ("true", "5"); they are coerced
// to the declared property types.
type TargetModel struct {
	// ResourceProperties are the proposed properties (empty on delete).
	ResourceProperties map[string]any `json:"resourceProperties"`
	// PreviousResourceProperties are the deployed properties (empty on
	// create).
	PreviousResourceProperties map[string]any `json:"previousResourceProperties"`
}

// RequestContext is the invocation's context.
type RequestContext struct {
	// Invocation is the attempt number, starting at 1.
	Invocation int `json:"invocation"`
	// CallbackContext is the CallbackContext of this hook's previous
	// IN_PROGRESS answer for the same target; nil on the first call.
	CallbackContext map[string]any `json:"callbackContext"`
}

// Target operations, as CloudFormation names them (Context.Operation).
const (
	OperationResource     = "RESOURCE"
	OperationStack        = "STACK"
	OperationChangeSet    = "CHANGE_SET"
	OperationCloudControl = "CLOUD_CONTROL"
)

// Invocation points.
const (
	CreatePreProvision = "CREATE_PRE_PROVISION"
	UpdatePreProvision = "UPDATE_PRE_PROVISION"
	DeletePreProvision = "DELETE_PRE_PROVISION"
)

// DecodeRequest decodes a hook event. Numbers inside the property trees
// keep their precision (int64 where integral, float64 otherwise).
func DecodeRequest(b []byte) (Request, error) {
	var r Request
	if err := json.Unmarshal(b, &r); err != nil {
		return Request{}, fmt.Errorf("decoding the hook request: %w", err)
	}
	return r, nil
}

// UnmarshalJSON decodes a request as DecodeRequest does, so that a Lambda
// runtime decoding into Request keeps integers as int64.
func (r *Request) UnmarshalJSON(b []byte) error {
	type plain Request
	var p plain
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&p); err != nil {
		return err
	}
	*r = Request(p)
	r.normalize()
	return nil
}

func (r *Request) normalize() {
	if m := r.RequestData.TargetModel; m != nil {
		m.ResourceProperties = normalizeMap(m.ResourceProperties)
		m.PreviousResourceProperties = normalizeMap(m.PreviousResourceProperties)
	}
	r.HookModel = normalizeMap(r.HookModel)
	r.RequestContext.CallbackContext = normalizeMap(r.RequestContext.CallbackContext)
}

// Operation is the request's target operation. STACK and CHANGE_SET are
// named by targetType (and targetName). A resource request without a stack
// id is a Cloud Control API operation: CloudFormation always names the
// stack of a resource it provisions, while Cloud Control requests carry an
// empty stackId (HUG "Evaluating resource operations"), and their
// targetType is not reliable (the documentation gives RESOURCE where
// CloudFormation sends the resource type). A targetType of CLOUD_CONTROL
// is taken at its word too.
func (r Request) Operation() string {
	d := r.RequestData
	switch {
	case d.TargetType == OperationStack || d.TargetName == OperationStack:
		return OperationStack
	case d.TargetType == OperationChangeSet || d.TargetName == OperationChangeSet:
		return OperationChangeSet
	case d.TargetType == OperationCloudControl || r.StackID == "":
		return OperationCloudControl
	}
	return OperationResource
}

// Action is the lowercase action of the invocation point (create, update,
// delete), "" when the point is not one CloudFormation documents.
func (r Request) Action() string {
	switch r.ActionInvocationPoint {
	case CreatePreProvision:
		return "create"
	case UpdatePreProvision:
		return "update"
	case DeletePreProvision:
		return "delete"
	}
	return ""
}

// Region is the region of the operation: the stack's ARN names it, else
// the hook's Lambda function ARN; "" when neither does.
func (r Request) Region() string {
	if p := arnPart(r.StackID, 3); p != "" {
		return p
	}
	if fn, ok := r.HookModel["LambdaFunction"].(string); ok {
		return arnPart(fn, 3)
	}
	return ""
}

// StackName is the stack's name from its ARN
// (arn:aws:cloudformation:<region>:<account>:stack/<name>/<id>), or the
// target logical id of a STACK request.
func (r Request) StackName() string {
	if res := arnPart(r.StackID, 5); strings.HasPrefix(res, "stack/") {
		name, _, _ := strings.Cut(strings.TrimPrefix(res, "stack/"), "/")
		return name
	}
	if r.Operation() == OperationStack {
		return r.RequestData.TargetLogicalID
	}
	return r.StackID
}

// arnPart is the i-th colon-separated field of an ARN ("" if s is not an
// ARN); the last field keeps its colons.
func arnPart(s string, i int) string {
	if !strings.HasPrefix(s, "arn:") {
		return ""
	}
	parts := strings.SplitN(s, ":", 6)
	if i >= len(parts) {
		return ""
	}
	return parts[i]
}

// normalizeMap converts json.Number values to int64 or float64 in place.
func normalizeMap(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	for k, v := range m {
		m[k] = normalize(v)
	}
	return m
}

// normalize converts decoded JSON (with json.Number) to the model's value
// types: int64 when integral and in range, else float64.
func normalize(v any) any {
	switch x := v.(type) {
	case json.Number:
		if i, err := strconv.ParseInt(string(x), 10, 64); err == nil {
			return i
		}
		if f, err := strconv.ParseFloat(string(x), 64); err == nil && !math.IsInf(f, 0) {
			return f
		}
		return string(x)
	case map[string]any:
		return normalizeMap(x)
	case []any:
		for i, e := range x {
			x[i] = normalize(e)
		}
		return x
	}
	return v
}

// decodeJSON decodes b with numbers normalized.
func decodeJSON(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return err
	}
	switch p := v.(type) {
	case *map[string]any:
		*p = normalizeMap(*p)
	case *any:
		*p = normalize(*p)
	}
	return nil
}
