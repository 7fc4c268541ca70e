package hooks

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudcontrol"
	cctypes "github.com/aws/aws-sdk-go-v2/service/cloudcontrol/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"

	"github.com/stackgate/stackgate/policies/model"
	sgtypes "github.com/stackgate/stackgate/scanner/cfntypes"
)

// CloudFormationAPI is what the hook asks CloudFormation about drift;
// *cloudformation.Client implements it. The Lambda's role needs
// cloudformation:DetectStackResourceDrift, DescribeStackResource and
// DescribeStackResourceDrifts (and read access to the resource types
// whose drift is detected).
type CloudFormationAPI interface {
	// DetectStackResourceDrift detects the drift of one resource now
	// (CHANGE_SET).
	DetectStackResourceDrift(ctx context.Context, in *cloudformation.DetectStackResourceDriftInput, optFns ...func(*cloudformation.Options)) (*cloudformation.DetectStackResourceDriftOutput, error)
	// DescribeStackResource returns the recorded drift status of one
	// resource (RESOURCE).
	DescribeStackResource(ctx context.Context, in *cloudformation.DescribeStackResourceInput, optFns ...func(*cloudformation.Options)) (*cloudformation.DescribeStackResourceOutput, error)
	// DescribeStackResourceDrifts returns the recorded drift details
	// (which properties) of a stack's resources (RESOURCE, when the
	// recorded status is MODIFIED).
	DescribeStackResourceDrifts(ctx context.Context, in *cloudformation.DescribeStackResourceDriftsInput, optFns ...func(*cloudformation.Options)) (*cloudformation.DescribeStackResourceDriftsOutput, error)
}

// CloudControlAPI is what the hook asks Cloud Control about a resource's
// live state; *cloudcontrol.Client implements it. The Lambda's role needs
// cloudcontrol:GetResource and read access to the resource types.
type CloudControlAPI interface {
	GetResource(ctx context.Context, in *cloudcontrol.GetResourceInput, optFns ...func(*cloudcontrol.Options)) (*cloudcontrol.GetResourceOutput, error)
}

// Drift budget. CloudFormation waits 30 s for one invocation and lets a
// hook answer IN_PROGRESS at most 3 times (HUG, "Timeout and retry
// limits"; Lambda hooks' response), so drift detection at CHANGE_SET runs
// a few resources at a time while time remains, keeps a margin for
// evaluating and answering, and goes on in the next invocation.
const (
	invocationBudget = 30 * time.Second
	safetyMargin     = 6 * time.Second
	// detectEstimate is how long one DetectStackResourceDrift is assumed
	// to take: no new batch starts with less time left.
	detectEstimate = 8 * time.Second
	// detectBatch is how many detections run at once.
	detectBatch = 4
	// maxInProgress is how many IN_PROGRESS answers CloudFormation
	// accepts for one target.
	maxInProgress = 3
	// callbackDelay is the wait before CloudFormation calls again.
	callbackDelay = 1
)

// Drift outcomes of one resource.
const (
	driftInSync     = "in_sync"
	driftDrifted    = "drifted"
	driftNotChecked = "not_checked"
)

// driftResult is what the hook found out about one resource's drift.
// Paths name properties, never values. It is also the form kept in the
// callback context between invocations.
type driftResult struct {
	Status string   `json:"s"`
	Paths  []string `json:"p,omitempty"`
	Reason string   `json:"r,omitempty"`
}

// apply records the result on the resource's change for no-drift.
func (d driftResult) apply(r *model.Resource) {
	if r.Change == nil {
		return
	}
	switch d.Status {
	case driftDrifted:
		paths := d.Paths
		if len(paths) == 0 {
			paths = topLevelPaths(beforeOrAfter(r))
		}
		r.Change.Drifted = true
		r.Change.DriftedPaths = paths
	case driftNotChecked:
		r.Change.DriftUnknown = d.Reason
	}
}

// beforeOrAfter is what the code set before the change (what drift is
// measured against), or else its properties.
func beforeOrAfter(r *model.Resource) map[string]any {
	if r.Change != nil && len(r.Change.Before) > 0 {
		return r.Change.Before
	}
	return r.Properties
}

// changing reports whether no-drift judges the resource's change.
func changing(r *model.Resource) bool {
	return r.Change != nil && (r.Change.Action == model.ActionUpdate || r.Change.Action == model.ActionReplace)
}

// cursor is the state kept in the callback context while drift
// detection at CHANGE_SET spans invocations.
type cursor struct {
	// Round counts the IN_PROGRESS answers given so far.
	Round int `json:"round"`
	// Drift holds the results so far, by logical id.
	Drift map[string]driftResult `json:"drift"`
}

// callbackKey is the callback context's key for the cursor.
const callbackKey = "stackgate"

// cursorFrom reads the cursor from a request's callback context; a
// missing or malformed one starts afresh.
func cursorFrom(cc map[string]any) cursor {
	c := cursor{Drift: map[string]driftResult{}}
	raw, ok := cc[callbackKey].(map[string]any)
	if !ok {
		return c
	}
	switch n := raw["round"].(type) {
	case int64:
		c.Round = int(n)
	case float64:
		c.Round = int(n)
	}
	if c.Round < 0 || c.Round > maxInProgress {
		c.Round = maxInProgress
	}
	drift, _ := raw["drift"].(map[string]any)
	for id, v := range drift {
		m, ok := v.(map[string]any)
		if !ok {
			continue
		}
		d := driftResult{}
		d.Status, _ = m["s"].(string)
		d.Reason, _ = m["r"].(string)
		if ps, ok := m["p"].([]any); ok {
			for _, p := range ps {
				if s, ok := p.(string); ok {
					d.Paths = append(d.Paths, s)
				}
			}
		}
		switch d.Status {
		case driftInSync, driftDrifted, driftNotChecked:
			c.Drift[id] = d
		}
	}
	return c
}

// callbackContext is the cursor in the form the response carries.
func (c cursor) callbackContext() map[string]any {
	drift := make(map[string]any, len(c.Drift))
	for id, d := range c.Drift {
		m := map[string]any{"s": d.Status}
		if len(d.Paths) > 0 {
			m["p"] = d.Paths
		}
		if d.Reason != "" {
			m["r"] = d.Reason
		}
		drift[id] = m
	}
	return map[string]any{callbackKey: map[string]any{"round": c.Round, "drift": drift}}
}

// drifter finds out the drift of the resources a request changes.
type drifter struct {
	cfn     CloudFormationAPI
	cc      CloudControlAPI
	offline bool
	now     func() time.Time
	// estimate, batch and budget tune CHANGE_SET detection (tests).
	estimate time.Duration
	batch    int
	budget   time.Duration
	margin   time.Duration
}

// unavailable says why drift cannot be checked at all, "" when it can.
func (d *drifter) unavailable(needCC bool) string {
	switch {
	case d.offline:
		return "the hook runs offline and makes no AWS calls"
	case needCC && d.cc == nil:
		return "the hook has no Cloud Control client"
	case !needCC && d.cfn == nil:
		return "the hook has no CloudFormation client"
	}
	return ""
}

// recorded finds the drift of one resource of a stack from what
// CloudFormation recorded at its last drift detection (RESOURCE: the
// stack is already being updated, when a new detection is refused).
func (d *drifter) recorded(ctx context.Context, stack, logicalID string) driftResult {
	out, err := d.cfn.DescribeStackResource(ctx, &cloudformation.DescribeStackResourceInput{
		StackName: aws.String(stack), LogicalResourceId: aws.String(logicalID),
	})
	if err != nil {
		return driftResult{Status: driftNotChecked, Reason: "looking up its recorded drift status failed: " + apiError(err)}
	}
	status := cfntypes.StackResourceDriftStatusNotChecked
	if det := out.StackResourceDetail; det != nil && det.DriftInformation != nil {
		status = det.DriftInformation.StackResourceDriftStatus
	}
	switch status {
	case cfntypes.StackResourceDriftStatusInSync:
		return driftResult{Status: driftInSync}
	case cfntypes.StackResourceDriftStatusDeleted:
		return driftResult{Status: driftDrifted}
	case cfntypes.StackResourceDriftStatusModified:
		return driftResult{Status: driftDrifted, Paths: d.recordedPaths(ctx, stack, logicalID)}
	}
	return driftResult{Status: driftNotChecked, Reason: fmt.Sprintf("CloudFormation has no recorded drift status for it (%s); run drift detection on the stack", status)}
}

// recordedPaths lists the drifted properties of the last recorded
// detection, nil when the record is not found (a few pages at most).
func (d *drifter) recordedPaths(ctx context.Context, stack, logicalID string) []string {
	in := &cloudformation.DescribeStackResourceDriftsInput{
		StackName:                       aws.String(stack),
		StackResourceDriftStatusFilters: []cfntypes.StackResourceDriftStatus{cfntypes.StackResourceDriftStatusModified},
	}
	for range 3 {
		out, err := d.cfn.DescribeStackResourceDrifts(ctx, in)
		if err != nil {
			return nil
		}
		for _, sd := range out.StackResourceDrifts {
			if aws.ToString(sd.LogicalResourceId) == logicalID {
				return differencePaths(sd.PropertyDifferences)
			}
		}
		if out.NextToken == nil {
			return nil
		}
		in.NextToken = out.NextToken
	}
	return nil
}

// detect runs drift detection on one resource now (CHANGE_SET). A
// detection cut short by the deadline reports ok false: it is tried
// again in the next invocation.
func (d *drifter) detect(ctx context.Context, stack, logicalID string) (driftResult, bool) {
	out, err := d.cfn.DetectStackResourceDrift(ctx, &cloudformation.DetectStackResourceDriftInput{
		StackName: aws.String(stack), LogicalResourceId: aws.String(logicalID),
	})
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
			return driftResult{}, false
		}
		return driftResult{Status: driftNotChecked, Reason: "drift detection failed: " + apiError(err)}, true
	}
	sd := out.StackResourceDrift
	if sd == nil {
		return driftResult{Status: driftNotChecked, Reason: "drift detection returned no result"}, true
	}
	switch sd.StackResourceDriftStatus {
	case cfntypes.StackResourceDriftStatusInSync:
		return driftResult{Status: driftInSync}, true
	case cfntypes.StackResourceDriftStatusDeleted:
		return driftResult{Status: driftDrifted}, true
	case cfntypes.StackResourceDriftStatusModified:
		return driftResult{Status: driftDrifted, Paths: differencePaths(sd.PropertyDifferences)}, true
	}
	return driftResult{Status: driftNotChecked, Reason: fmt.Sprintf("drift detection could not check it (%s)", sd.StackResourceDriftStatus)}, true
}

// detectAll runs detection for the given logical ids, a batch at a time,
// while the budget of this invocation lasts. It records results in c
// and returns the ids left unchecked.
func (d *drifter) detectAll(ctx context.Context, stack string, ids []string, c *cursor) []string {
	start := d.now()
	budget := d.budget
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) < budget {
		budget = time.Until(dl)
	}
	end := start.Add(budget - d.margin)
	todo := ids
	for len(todo) > 0 {
		left := end.Sub(d.now())
		if left < d.estimate {
			break
		}
		n := min(d.batch, len(todo))
		batch := todo[:n]
		results := make([]driftResult, n)
		done := make([]bool, n)
		callCtx, cancel := context.WithTimeout(ctx, left)
		var wg sync.WaitGroup
		for i, id := range batch {
			wg.Go(func() { results[i], done[i] = d.detect(callCtx, stack, id) })
		}
		wg.Wait()
		cancel()
		var rest []string
		for i, id := range batch {
			if done[i] {
				c.Drift[id] = results[i]
			} else {
				rest = append(rest, id)
			}
		}
		todo = append(rest, todo[n:]...)
		if len(rest) > 0 {
			break
		}
	}
	return todo
}

// live compares a Cloud Control resource's live properties with the
// properties last provisioned (CLOUD_CONTROL): only what the code set
// counts, and a property the service does not return (write-only, such as
// a password) is not drift.
func (d *drifter) live(ctx context.Context, t *ccTarget, previous map[string]any) driftResult {
	if t.identifier == "" {
		return driftResult{Status: driftNotChecked, Reason: "the hook does not know the primary identifier of " + t.typeName}
	}
	out, err := d.cc.GetResource(ctx, &cloudcontrol.GetResourceInput{TypeName: aws.String(t.typeName), Identifier: aws.String(t.identifier)})
	if err != nil {
		var nf *cctypes.ResourceNotFoundException
		if errors.As(err, &nf) {
			return driftResult{Status: driftDrifted}
		}
		return driftResult{Status: driftNotChecked, Reason: "reading its live state failed: " + apiError(err)}
	}
	if out.ResourceDescription == nil || out.ResourceDescription.Properties == nil {
		return driftResult{Status: driftNotChecked, Reason: "Cloud Control returned no properties"}
	}
	var liveProps map[string]any
	if err := decodeJSON([]byte(*out.ResourceDescription.Properties), &liveProps); err != nil {
		return driftResult{Status: driftNotChecked, Reason: "Cloud Control returned properties that are not a JSON object"}
	}
	sgtypes.CoerceProperties(t.typeName, liveProps, nil)
	paths := model.DiffPaths(previous, project(previous, liveProps), nil)
	if len(paths) == 0 {
		return driftResult{Status: driftInSync}
	}
	return driftResult{Status: driftDrifted, Paths: paths}
}

// project returns live shaped like code: keys code does not set are
// dropped, and keys live does not have keep code's value (not drift).
func project(code, live any) any {
	cm, ok := code.(map[string]any)
	if !ok {
		return live
	}
	lm, ok := live.(map[string]any)
	if !ok {
		return live
	}
	out := make(map[string]any, len(cm))
	for k, cv := range cm {
		lv, ok := lm[k]
		if !ok {
			out[k] = cv
			continue
		}
		out[k] = project(cv, lv)
	}
	return out
}

// differencePaths converts drift detection's property paths
// ("/Tags/0/Value") to model paths ("Tags[0].Value"), sorted.
func differencePaths(diffs []cfntypes.PropertyDifference) []string {
	set := map[string]bool{}
	for _, pd := range diffs {
		if p := modelPath(aws.ToString(pd.PropertyPath)); p != "" {
			set[p] = true
		}
	}
	out := make([]string, 0, len(set))
	for p := range set {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

func modelPath(pointer string) string {
	p := ""
	segs := strings.Split(strings.TrimPrefix(pointer, "/"), "/")
	if len(segs) > 1 && segs[0] == "Properties" {
		segs = segs[1:]
	}
	for _, s := range segs {
		if s == "" {
			continue
		}
		s = strings.ReplaceAll(strings.ReplaceAll(s, "~1", "/"), "~0", "~")
		if n, err := strconv.Atoi(s); err == nil && p != "" {
			p = model.AppendIndex(p, n)
		} else {
			p = model.AppendKey(p, s)
		}
	}
	return p
}

// apiError is an AWS error in a line: its code and message, without the
// request metadata.
func apiError(err error) string {
	msg := err.Error()
	if len(msg) > 300 {
		msg = msg[:300] + "..."
	}
	return msg
}

// primaryIdentifiers are the properties that identify a resource to Cloud
// Control (the primaryIdentifier of the resource schemas), for the types
// the built-in rules inspect.
var primaryIdentifiers = map[string][]string{
	"AWS::S3::Bucket":                       {"BucketName"},
	"AWS::KMS::Key":                         {"KeyId"},
	"AWS::EC2::Instance":                    {"InstanceId"},
	"AWS::EC2::SecurityGroup":               {"Id"},
	"AWS::EC2::SecurityGroupIngress":        {"Id"},
	"AWS::EC2::LaunchTemplate":              {"LaunchTemplateId"},
	"AWS::DynamoDB::Table":                  {"TableName"},
	"AWS::SQS::Queue":                       {"QueueUrl"},
	"AWS::SNS::Topic":                       {"TopicArn"},
	"AWS::Lambda::Function":                 {"FunctionName"},
	"AWS::IAM::Role":                        {"RoleName"},
	"AWS::Logs::LogGroup":                   {"LogGroupName"},
	"AWS::RDS::DBInstance":                  {"DBInstanceIdentifier"},
	"AWS::AutoScaling::LaunchConfiguration": {"LaunchConfigurationName"},
}

// primaryIdentifier is the Cloud Control identifier of a resource from its
// properties (compound identifiers joined by "|"), "" when unknown.
func primaryIdentifier(typ string, props map[string]any) string {
	names, ok := primaryIdentifiers[typ]
	if !ok || props == nil {
		return ""
	}
	parts := make([]string, len(names))
	for i, n := range names {
		s, ok := sgtypes.ScalarString(props[n])
		if !ok || s == "" {
			return ""
		}
		parts[i] = s
	}
	return strings.Join(parts, "|")
}
