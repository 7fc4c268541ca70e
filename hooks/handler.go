package hooks

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/stackgate/stackgate/policies/model"
	"github.com/stackgate/stackgate/scanner"
	"github.com/stackgate/stackgate/scanner/cfn"
	"github.com/stackgate/stackgate/workspace"
)

// Options configure a Handler.
type Options struct {
	// ConfigFile is the stackgate.yaml shipped with the function (a path
	// in the deployment package). Empty: the built-in defaults, unless
	// ConfigData is set.
	ConfigFile string
	// ConfigData is the configuration's content, when it comes from
	// elsewhere (S3, SSM); ConfigFile then only names it in messages
	// ("stackgate.yaml" when empty).
	ConfigData []byte
	// Env evaluates every request in this environment of the
	// configuration, whatever the account selects (stackgate hook eval
	// --env); empty in the deployed function.
	Env string
	// Region is the region the function runs in (AWS_REGION), used when
	// the request does not name one (Cloud Control).
	Region string
	// CloudFormation and CloudControl are the clients drift checks use
	// (nil: drift is reported as not checked).
	CloudFormation CloudFormationAPI
	CloudControl   CloudControlAPI
	// Offline makes no AWS calls: drift is reported as not checked (an
	// unknown finding of no-drift where the environment enables it), never
	// as drifted.
	Offline bool
	// Now is the clock (time.Now when nil): waiver expiry and the drift
	// time budget.
	Now func() time.Time
	// Logger receives one JSON line per finding and per decision (JSON to
	// stderr when nil). It never receives a property value that is not
	// from a closed set.
	Logger *slog.Logger
	// Payload, when set, replaces the download of a STACK or CHANGE_SET
	// payload from its presigned URL: it returns the payload's content
	// for the URL. It is for local testing (stackgate hook eval
	// --payload), where the URL in a recorded event has expired; the
	// deployed function leaves it nil, and then only HTTPS URLs of S3
	// endpoints are fetched (see Payloads in the package documentation).
	Payload func(ctx context.Context, url string) ([]byte, error)

	// fetch replaces the payload download policy; tests only.
	fetch fetchOptions
	// drift tunes drift detection timing; tests only.
	drift *drifter
}

// Handler answers CloudFormation Lambda hook requests. The configuration
// and the rules are opened once, on the first request, and reused by
// every later one (a warm Lambda container). It is safe for concurrent
// use.
type Handler struct {
	opts    Options
	log     *slog.Logger
	fetcher *fetcher
	drift   *drifter

	once sync.Once
	ws   *workspace.Workspace
	err  error
}

// NewHandler returns a handler. Nothing slow happens here: the
// configuration is read and the rules compiled on the first Handle.
func NewHandler(opts Options) (*Handler, error) {
	if opts.ConfigFile == "" && opts.ConfigData != nil {
		opts.ConfigFile = "stackgate.yaml"
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	h := &Handler{opts: opts, log: opts.Logger, fetcher: newFetcher(opts.fetch)}
	if h.log == nil {
		h.log = slog.New(slog.NewJSONHandler(os.Stderr, nil))
	}
	h.drift = &drifter{estimate: detectEstimate, batch: detectBatch, budget: invocationBudget, margin: safetyMargin}
	if opts.drift != nil {
		*h.drift = *opts.drift
	}
	h.drift.cfn, h.drift.cc, h.drift.offline, h.drift.now = opts.CloudFormation, opts.CloudControl, opts.Offline, opts.Now
	return h, nil
}

// workspace opens the configuration once.
func (h *Handler) workspace() (*workspace.Workspace, error) {
	h.once.Do(func() {
		h.ws, h.err = workspace.Open(workspace.Options{
			ConfigFile: h.opts.ConfigFile,
			ConfigData: h.opts.ConfigData,
			NoSearch:   true,
			Env:        h.opts.Env,
			Now:        h.opts.Now,
		})
	})
	return h.ws, h.err
}

// Warm reads the configuration and compiles the rules now rather than on
// the first request: the bootstrap calls it during Lambda's init phase,
// which runs before the first invocation is sent and with the CPU boost of
// init, so the first deploy does not wait for the compile. An error is
// kept and answered (InternalFailure) by every request, as without Warm.
func (h *Handler) Warm() error {
	ws, err := h.workspace()
	if err != nil {
		return err
	}
	_, err = ws.Gate()
	return err
}

// Handle answers one hook request. It never answers SUCCESS for what it
// could not check: an internal error is FAILED with InternalFailure (the
// hook's failure mode decides what CloudFormation does with it), logged
// with the request token. The error result is always nil; it is there for
// Lambda handler signatures.
func (h *Handler) Handle(ctx context.Context, req Request) (Response, error) {
	resp, _ := h.Evaluate(ctx, req)
	return resp, nil
}

// Evaluate answers req exactly as Handle does, and also returns the
// decided findings the answer is made of (waived ones included, each
// with Waived set; messages scrubbed of secret values as in the answer).
// The findings are nil when nothing was evaluated: an internal failure,
// a delete, or an IN_PROGRESS answer while drift detection continues.
// Handle is Evaluate without the findings; tests and the conformance
// check compare the findings with those of the other layers.
func (h *Handler) Evaluate(ctx context.Context, req Request) (Response, []model.Finding) {
	resp, fs, err := h.handle(ctx, req)
	if err != nil {
		return h.internal(req, err), nil
	}
	return resp, fs
}

// internal is the InternalFailure answer for err.
func (h *Handler) internal(req Request, err error) Response {
	h.log.Error("stackgate could not check the operation", "clientRequestToken", req.ClientRequestToken,
		"operation", req.Operation(), "invocationPoint", req.ActionInvocationPoint, "error", err.Error())
	return Response{
		HookStatus:         StatusFailed,
		ErrorCode:          ErrorInternalFailure,
		Message:            truncate("stackgate could not check this operation: "+err.Error(), limitFor(req.Operation())),
		ClientRequestToken: req.ClientRequestToken,
	}
}

func limitFor(op string) int {
	if op == OperationCloudControl {
		return MaxCloudControlMessage
	}
	return MaxMessage
}

func (h *Handler) handle(ctx context.Context, req Request) (Response, []model.Finding, error) {
	op := req.Operation()
	action := req.Action()
	if action == "" {
		return Response{}, nil, fmt.Errorf("unknown actionInvocationPoint %q", req.ActionInvocationPoint)
	}
	ws, err := h.workspace()
	if err != nil {
		return Response{}, nil, fmt.Errorf("opening the configuration: %w", err)
	}
	g, err := ws.Gate()
	if err != nil {
		return Response{}, nil, fmt.Errorf("loading the configuration and rules: %w", err)
	}
	ok := Response{HookStatus: StatusSuccess, ClientRequestToken: req.ClientRequestToken}
	if action == "delete" {
		ok.Message = "stackgate does not judge the configuration of what is deleted."
		h.log.Info("stackgate decision", "clientRequestToken", req.ClientRequestToken, "operation", op, "hookStatus", ok.HookStatus, "reason", "delete")
		return ok, nil, nil
	}
	mctx := model.Context{AccountID: req.AWSAccountID, Region: req.Region(), Operation: op}
	if mctx.Region == "" {
		mctx.Region = h.opts.Region
	}
	if op != OperationCloudControl {
		mctx.StackName = req.StackName()
	}
	copts := cfn.Options{Region: mctx.Region, AccountID: mctx.AccountID, StackName: mctx.StackName}

	var t *target
	switch op {
	case OperationResource, OperationCloudControl:
		t, err = resourceTarget(req, op)
	case OperationStack, OperationChangeSet:
		if req.RequestData.Payload == "" {
			return Response{}, nil, errors.New("the request has no payload URL")
		}
		b, ferr := h.payload(ctx, req.RequestData.Payload)
		if ferr != nil {
			return Response{}, nil, ferr
		}
		p, perr := decodePayload(b)
		if perr != nil {
			return Response{}, nil, perr
		}
		if strings.TrimSpace(p.Template) == "" {
			ok.Message = "stackgate does not judge the configuration of what is deleted (the payload has no template)."
			return ok, nil, nil
		}
		if op == OperationStack {
			t, err = stackTarget(ctx, ws, req, p, copts)
		} else {
			t, err = changeSetTarget(ctx, ws, req, p, copts)
		}
	default:
		err = fmt.Errorf("unknown target operation %q", op)
	}
	if err != nil {
		return Response{}, nil, err
	}
	for i := range t.unit.Resources {
		r := &t.unit.Resources[i]
		markSensitive(r)
		r.Sensitive = slices.DeleteFunc(r.Sensitive, func(p string) bool { return slices.Contains(t.shown, p) })
	}

	doc, _, err := g.Document(workspace.UnitOf(t.unit, model.RuleLayerDeployment, mctx))
	if err != nil {
		return Response{}, nil, err
	}
	// A value equal to one of the environment's rule parameters (a tag
	// key, an allowed value) is configuration, not a secret: messages may
	// name it ("the data-classification tag").
	config := map[string]bool{}
	for _, params := range doc.Environment.Rules {
		for _, s := range appendStrings(nil, params) {
			config[s] = true
		}
	}
	for i := range t.unit.Resources {
		r := &t.unit.Resources[i]
		r.Sensitive = slices.DeleteFunc(r.Sensitive, func(p string) bool {
			v, _ := model.Lookup(r.Properties, p)
			s, ok := v.(string)
			return ok && config[s]
		})
	}
	if _, on := doc.Environment.Rules["no-drift"]; on {
		if resp, pending := h.checkDrift(ctx, req, op, t); pending {
			return resp, nil, nil
		}
	}

	res, err := ws.Check(ctx, []scanner.Loaded{t.unit}, workspace.CheckOptions{Layer: model.RuleLayerDeployment, Context: mctx})
	if err != nil {
		return Response{}, nil, err
	}
	if len(res.Errors) > 0 {
		return Response{}, nil, errors.Join(res.Errors...)
	}
	resp, fs := h.respond(req, op, t, doc, g.Rules(), res)
	return resp, fs, nil
}

// payload downloads a STACK or CHANGE_SET payload, or asks
// Options.Payload for it.
func (h *Handler) payload(ctx context.Context, url string) ([]byte, error) {
	if h.opts.Payload != nil {
		b, err := h.opts.Payload(ctx, url)
		if err != nil {
			return nil, fmt.Errorf("reading the payload: %w", err)
		}
		return b, nil
	}
	return h.fetcher.fetch(ctx, url)
}

// checkDrift records on each changing resource whether it drifted. At
// CHANGE_SET, when detection needs more time than this invocation has, it
// returns the IN_PROGRESS answer to give (pending true).
func (h *Handler) checkDrift(ctx context.Context, req Request, op string, t *target) (Response, bool) {
	rs := t.unit.Resources
	var idx []int
	for i := range rs {
		if changing(&rs[i]) {
			idx = append(idx, i)
		}
	}
	if len(idx) == 0 {
		return Response{}, false
	}
	d := h.drift
	if why := d.unavailable(op == OperationCloudControl); why != "" {
		for _, i := range idx {
			driftResult{Status: driftNotChecked, Reason: why}.apply(&rs[i])
		}
		return Response{}, false
	}
	switch op {
	case OperationCloudControl:
		r := &rs[idx[0]]
		d.live(ctx, t.cloudControl, r.Change.Before).apply(r)
	case OperationResource, OperationStack:
		for _, i := range idx {
			d.recorded(ctx, req.StackID, t.logical[rs[i].Address]).apply(&rs[i])
		}
	case OperationChangeSet:
		c := cursorFrom(req.RequestContext.CallbackContext)
		var todo []string
		for _, i := range idx {
			if _, done := c.Drift[rs[i].Address]; !done {
				todo = append(todo, t.logical[rs[i].Address])
			}
		}
		sort.Strings(todo)
		left := d.detectAll(ctx, req.StackID, todo, &c)
		if len(left) > 0 {
			if c.Round < maxInProgress {
				c.Round++
				h.log.Info("stackgate drift detection continues", "clientRequestToken", req.ClientRequestToken,
					"checked", len(idx)-len(left), "of", len(idx), "round", c.Round)
				return Response{
					HookStatus:           StatusInProgress,
					Message:              fmt.Sprintf("stackgate is checking drift: %d of %d changed resources checked.", len(idx)-len(left), len(idx)),
					ClientRequestToken:   req.ClientRequestToken,
					CallbackContext:      c.callbackContext(),
					CallbackDelaySeconds: callbackDelay,
				}, true
			}
			for _, id := range left {
				c.Drift[id] = driftResult{Status: driftNotChecked, Reason: "drift detection did not finish within the time CloudFormation gives a hook"}
			}
		}
		for _, i := range idx {
			if res, ok := c.Drift[t.logical[rs[i].Address]]; ok {
				res.apply(&rs[i])
			}
		}
	}
	return Response{}, false
}

// respond turns the decided findings into the answer: FAILED with
// NonCompliant when one blocks, SUCCESS otherwise, with the findings in
// the message, the annotations and the log either way.
func (h *Handler) respond(req Request, op string, t *target, doc *model.Document, rules []model.Rule, res *workspace.Result) (Response, []model.Finding) {
	keep := make([]string, 0, len(rules)+1)
	for _, r := range rules {
		keep = append(keep, r.ID)
	}
	if t.cloudControl != nil {
		keep = append(keep, t.cloudControl.identifier, t.cloudControl.typeName)
	}
	// The environment's rule parameters (tag keys, allowed values,
	// regions) are configuration, not secrets: a property equal to one of
	// them is named ("the data-classification tag"), not scrubbed.
	for _, params := range doc.Environment.Rules {
		keep = appendStrings(keep, params)
	}
	scrub := model.NewRedactor(secretValues(t.unit.Resources, keep))

	var shown []model.Finding
	decided := make([]model.Finding, 0, len(res.Findings))
	for _, f := range res.Findings {
		f.Message = scrub.Redact(f.Message)
		f.Remediation = scrub.Redact(f.Remediation)
		f.UnknownReason = scrub.Redact(f.UnknownReason)
		decided = append(decided, f)
		if f.Waived == nil {
			shown = append(shown, f)
		}
		h.log.Info("stackgate finding", "clientRequestToken", req.ClientRequestToken, "operation", op,
			"rule", f.Rule, "severity", f.Severity, "status", f.Status, "resource", f.Resource,
			"resourceType", f.ResourceType, "path", f.Path, "message", f.Message,
			"environment", f.Environment, "enforcement", f.Enforcement, "blocking", f.Blocking, "waived", f.Waived != nil)
	}
	shown = rank(shown)

	enabled := make([]string, 0, len(doc.Environment.Rules))
	for id := range doc.Environment.Rules {
		enabled = append(enabled, id)
	}
	var types []string
	for _, r := range t.unit.Resources {
		if !slices.Contains(types, r.Type) {
			types = append(types, r.Type)
		}
	}
	resp := Response{
		HookStatus:         StatusSuccess,
		ClientRequestToken: req.ClientRequestToken,
		Annotations:        annotations(enabled, rules, res.Findings, types, scrub),
	}
	env := doc.Environment.Name
	limit := limitFor(op)
	switch {
	case res.Blocking:
		resp.HookStatus, resp.ErrorCode = StatusFailed, ErrorNonCompliant
		n := 0
		for _, f := range shown {
			if f.Blocking {
				n++
			}
		}
		resp.Message = findingsMessage(fmt.Sprintf("stackgate: %d blocking finding(s) in environment %s.", n, env), shown, limit)
	case len(shown) > 0:
		resp.Message = findingsMessage(fmt.Sprintf("stackgate: compliant enough to proceed in environment %s, with %d finding(s) that do not block.", env, len(shown)), shown, limit)
	default:
		resp.Message = fmt.Sprintf("stackgate: compliant (environment %s).", env)
	}
	h.log.Info("stackgate decision", "clientRequestToken", req.ClientRequestToken, "operation", op,
		"environment", env, "hookStatus", resp.HookStatus, "errorCode", resp.ErrorCode, "findings", len(res.Findings), "resources", res.Resources)
	return resp, decided
}

// appendStrings appends every string in v (map keys included) to out.
func appendStrings(out []string, v any) []string {
	switch x := v.(type) {
	case string:
		return append(out, x)
	case map[string]any:
		for k, e := range x {
			out = appendStrings(append(out, k), e)
		}
	case []any:
		for _, e := range x {
			out = appendStrings(out, e)
		}
	case []string:
		out = append(out, x...)
	}
	return out
}
