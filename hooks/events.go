package hooks

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/stackgate/stackgate/policies/model"
	"github.com/stackgate/stackgate/scanner/cfn"
)

// EventOptions say where the stack of ResourceEvents is deployed.
type EventOptions struct {
	// Params are the stack's parameter values (they override Defaults).
	Params map[string]string
	// AccountID is the account the stack is deployed to (awsAccountId:
	// it selects the environment). DefaultEventAccount when empty.
	AccountID string
	// Region is the stack's region (in the stack and function ARNs).
	// DefaultEventRegion when empty.
	Region string
	// StackName names the stack (in its ARN); "stack" when empty.
	StackName string
	// Action is create or update (CREATE_PRE_PROVISION when empty or
	// create); an update event carries the same properties before and
	// after.
	Action string
	// HookAlias is the hook's type name (Private::Lambda::Stackgate when
	// empty).
	HookAlias string
}

// Defaults of EventOptions.
const (
	DefaultEventAccount = "123456789012"
	DefaultEventRegion  = "us-east-1"
	DefaultHookAlias    = "Private::Lambda::Stackgate"
)

// ResourceEvents returns the RESOURCE hook event CloudFormation would
// send for each resource of a template, in template order, so that a
// template can be replayed through the hook (stackgate hook events |
// stackgate hook eval) without deploying it.
//
// The properties are those of the core CloudFormation loader's resolved
// model, as CloudFormation resolves them before a hook sees them
// (parameters, pseudo parameters, conditions, Fn::Sub, mappings...), with
// two differences the service would not have:
//
//   - a value the loader cannot know (a parameter with neither a value
//     nor a Default, an attribute of another resource that does not exist
//     yet) is omitted from the event; give the parameter a value
//     (Params) to have it decided;
//   - a reference to another resource of the template (Ref, Fn::GetAtt)
//     is its readable placeholder ("${DataKey}", "${DataKey.Arn}") where
//     CloudFormation would put the physical id or attribute.
//
// Resources whose Condition is false are left out, as CloudFormation
// never provisions them. Inline suppressions (# stackgate:ignore) do not
// travel in events: the hook never sees the template's comments.
func ResourceEvents(file string, src []byte, opts EventOptions) ([]Request, error) {
	if opts.AccountID == "" {
		opts.AccountID = DefaultEventAccount
	}
	if opts.Region == "" {
		opts.Region = DefaultEventRegion
	}
	if opts.StackName == "" {
		opts.StackName = "stack"
	}
	if opts.HookAlias == "" {
		opts.HookAlias = DefaultHookAlias
	}
	point := CreatePreProvision
	switch opts.Action {
	case "", "create":
	case "update":
		point = UpdatePreProvision
	default:
		return nil, fmt.Errorf("action %q: want create or update", opts.Action)
	}
	tpl, err := cfn.Load(file, src, cfn.Options{Params: opts.Params, Region: opts.Region, AccountID: opts.AccountID, StackName: opts.StackName})
	if err != nil {
		return nil, err
	}
	for name := range opts.Params {
		if !slices.Contains(tpl.Parameters, name) {
			return nil, fmt.Errorf("%s declares no parameter named %q", file, name)
		}
	}
	partition := partitionOf(opts.Region)
	stackID := fmt.Sprintf("arn:%s:cloudformation:%s:%s:stack/%s/%s", partition, opts.Region, opts.AccountID, opts.StackName, uuidOf("stack", opts.StackName))
	function := fmt.Sprintf("arn:%s:lambda:%s:%s:function:stackgate-hook", partition, opts.Region, opts.AccountID)
	events := make([]Request, 0, len(tpl.Resources))
	for _, r := range tpl.Resources {
		props := known(r)
		model := &TargetModel{ResourceProperties: props}
		if point == UpdatePreProvision {
			model.PreviousResourceProperties = known(r)
		}
		events = append(events, Request{
			ClientRequestToken:    uuidOf("request", opts.StackName, r.Address, point),
			AWSAccountID:          opts.AccountID,
			StackID:               stackID,
			HookTypeName:          opts.HookAlias,
			HookTypeVersion:       "00000001",
			HookModel:             map[string]any{"LambdaFunction": function},
			ActionInvocationPoint: point,
			RequestData: RequestData{
				TargetName:      r.Type,
				TargetType:      r.Type,
				TargetLogicalID: r.Address,
				TargetModel:     model,
			},
			RequestContext: RequestContext{Invocation: 1},
		})
	}
	return events, nil
}

// known is a copy of r's properties without the values the loader could
// not know (nil in the model, listed in UnknownPaths).
func known(r model.Resource) map[string]any {
	out, _ := withoutNil(r.Properties).(map[string]any)
	if out == nil {
		out = map[string]any{}
	}
	return out
}

// withoutNil deep-copies v, dropping nil map values (unknown values);
// a nil list element stays null, keeping the other elements' indexes.
func withoutNil(v any) any {
	switch x := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(x))
		for _, k := range slices.Sorted(maps.Keys(x)) {
			if x[k] == nil {
				continue
			}
			m[k] = withoutNil(x[k])
		}
		return m
	case []any:
		l := make([]any, len(x))
		for i, e := range x {
			l[i] = withoutNil(e)
		}
		return l
	}
	return v
}

// partitionOf is the AWS partition of a region.
func partitionOf(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	}
	return "aws"
}

// uuidOf is a stable UUID-shaped id made from parts, so that the same
// template gives the same events.
func uuidOf(parts ...string) string {
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	h := hex.EncodeToString(sum[:16])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}
