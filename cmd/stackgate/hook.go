package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/cloudcontrol"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/spf13/cobra"

	"github.com/stackgate/stackgate/hooks"
)

func newHookCmd(stdout, stderr io.Writer) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "hook",
		Short: "The deployment layer: replay CloudFormation hook events locally and read hook results",
		Long: `The deployment layer is a CloudFormation Lambda hook (cmd/stackgate-hook,
deployed with hooks/deploy/stackgate-hook.yaml). These commands run the same
handler locally and read what the deployed hook answered.

  stackgate hook events template.yaml --account 111111111111 --region eu-west-1 | stackgate hook eval --event -`,
	}
	cmd.AddCommand(newHookEvalCmd(stdout, stderr), newHookEventsCmd(stdout), newHookResultsCmd(stdout))
	return cmd
}

// ---- hook eval

type hookEvalFlags struct {
	event, config, env, payload, region string
	offline, verbose                    bool
}

func newHookEvalCmd(stdout, stderr io.Writer) *cobra.Command {
	var fl hookEvalFlags
	cmd := &cobra.Command{
		Use:   "eval --event EVENT.json",
		Short: "Answer a hook event as the deployed hook would, and print the response JSON",
		Long: `Eval runs the deployment hook's handler on an event (a CloudFormation Lambda
hook request, or a JSON array of them as "stackgate hook events" writes) and
prints the response (an array for an array) on stdout.

The configuration is --config, else ./stackgate.yaml, else the built-in
defaults; the environment is the one the event's account selects, unless
--env names one. A STACK or CHANGE_SET event's payload URL has usually
expired: --payload gives its content instead. Without --offline, drift
checks call AWS with the default credentials.

Exit codes: 0 SUCCESS (or IN_PROGRESS), 1 FAILED (NonCompliant), 2 InternalFailure or a usage error.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runHookEval(cmd.Context(), &fl, cmd.InOrStdin(), stdout, stderr)
		},
	}
	f := cmd.Flags()
	f.StringVar(&fl.event, "event", "", "the hook event (JSON file, - for stdin); required")
	f.StringVar(&fl.config, "config", "", "stackgate.yaml to use (default: ./stackgate.yaml when present, else the built-in defaults)")
	f.StringVar(&fl.env, "env", "", "evaluate in this environment of stackgate.yaml, whatever the event's account selects")
	f.StringVar(&fl.payload, "payload", "", "file standing in for the content of a STACK or CHANGE_SET event's presigned payload URL")
	f.StringVar(&fl.region, "region", "", "region for the AWS calls of drift checks (default: the event's)")
	f.BoolVar(&fl.offline, "offline", false, "make no AWS call: drift is reported as not checked")
	f.BoolVarP(&fl.verbose, "verbose", "v", false, "write the handler's JSON log lines (one per finding and decision) to stderr")
	return cmd
}

func runHookEval(ctx context.Context, fl *hookEvalFlags, stdin io.Reader, stdout, stderr io.Writer) error {
	if ctx == nil {
		ctx = context.Background()
	}
	if fl.event == "" {
		return usageErr("--event is required")
	}
	src, err := readInput(fl.event, stdin)
	if err != nil {
		return usageErr("--event: %v", err)
	}
	reqs, many, err := decodeEvents(src)
	if err != nil {
		return usageErr("--event %s: %v", fl.event, err)
	}
	config := fl.config
	if config == "" {
		if _, err := os.Stat("stackgate.yaml"); err == nil {
			config = "stackgate.yaml"
		}
	} else if _, err := os.Stat(config); err != nil {
		return usageErr("--config: %v", err)
	}
	level := slog.LevelError
	if fl.verbose {
		level = slog.LevelInfo
	}
	opts := hooks.Options{
		ConfigFile: config,
		Env:        fl.env,
		Offline:    fl.offline,
		Region:     fl.region,
		Logger:     slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: level})),
	}
	if fl.payload != "" {
		b, err := os.ReadFile(fl.payload)
		if err != nil {
			return usageErr("--payload: %v", err)
		}
		opts.Payload = func(context.Context, string) ([]byte, error) { return b, nil }
	}
	if !fl.offline {
		region := fl.region
		if region == "" && len(reqs) > 0 {
			region = reqs[0].Region()
		}
		cfg, err := loadAWSConfig(ctx, region)
		if err != nil {
			return errorf("loading the AWS configuration (use --offline to make no AWS call): %v", err)
		}
		opts.CloudFormation = cloudformation.NewFromConfig(cfg)
		opts.CloudControl = cloudcontrol.NewFromConfig(cfg)
	}
	h, err := hooks.NewHandler(opts)
	if err != nil {
		return errorf("%v", err)
	}
	code := exitOK
	resps := make([]hooks.Response, 0, len(reqs))
	for _, req := range reqs {
		resp, _ := h.Handle(ctx, req)
		resps = append(resps, resp)
		code = max(code, responseCode(resp))
	}
	var out any = resps
	if !many {
		out = resps[0]
	}
	if err := writeJSON(stdout, out); err != nil {
		return errorf("writing the response: %v", err)
	}
	if code != exitOK {
		return &codeError{code: code}
	}
	return nil
}

// responseCode is the exit code of one answer.
func responseCode(r hooks.Response) int {
	switch {
	case r.HookStatus != hooks.StatusFailed:
		return exitOK
	case r.ErrorCode == hooks.ErrorNonCompliant:
		return exitBlocking
	}
	return exitError
}

// decodeEvents decodes one event or a JSON array of events.
func decodeEvents(src []byte) ([]hooks.Request, bool, error) {
	trimmed := bytes.TrimSpace(src)
	if len(trimmed) > 0 && trimmed[0] == '[' {
		var raws []json.RawMessage
		if err := json.Unmarshal(trimmed, &raws); err != nil {
			return nil, false, err
		}
		if len(raws) == 0 {
			return nil, false, errors.New("the array holds no event")
		}
		reqs := make([]hooks.Request, len(raws))
		for i, r := range raws {
			req, err := hooks.DecodeRequest(r)
			if err != nil {
				return nil, false, fmt.Errorf("event %d: %w", i, err)
			}
			reqs[i] = req
		}
		return reqs, true, nil
	}
	req, err := hooks.DecodeRequest(trimmed)
	if err != nil {
		return nil, false, err
	}
	return []hooks.Request{req}, false, nil
}

func readInput(name string, stdin io.Reader) ([]byte, error) {
	if name == "-" {
		return io.ReadAll(io.LimitReader(stdin, 64<<20))
	}
	return os.ReadFile(name)
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// ---- hook events

type hookEventsFlags struct {
	params     []string
	paramFiles []string
	account    string
	region     string
	stack      string
	action     string
	out        string
}

func newHookEventsCmd(stdout io.Writer) *cobra.Command {
	var fl hookEventsFlags
	cmd := &cobra.Command{
		Use:   "events TEMPLATE",
		Short: "Write the RESOURCE hook events CloudFormation would send for each resource of a template",
		Long: `Events writes, for each resource of a CloudFormation template, the RESOURCE
hook event CloudFormation would send the hook when the stack is created (or
updated, --action update), so that it can be replayed with "stackgate hook
eval" without deploying anything.

Properties are resolved as CloudFormation resolves them (parameters, pseudo
parameters, conditions, Fn::Sub, mappings), by the same loader "stackgate
scan" uses. A value that is not known without deploying (a parameter with no
value and no Default) is left out of the event: give it with --param. A
reference to another resource of the template stays a placeholder
("${DataKey}", "${DataKey.Arn}") where CloudFormation would put the physical
id. Inline suppressions (# stackgate:ignore) are comments and never reach a
hook. The account (--account) selects the environment as at deployment.

Output: a JSON array on stdout, or one file per event in --out DIR.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runHookEvents(&fl, args[0], stdout)
		},
	}
	f := cmd.Flags()
	f.StringArrayVar(&fl.params, "param", nil, "stack parameter value Name=Value (repeatable)")
	f.StringArrayVar(&fl.paramFiles, "param-file", nil, "parameter file (CLI, CloudFormation or CodePipeline JSON) (repeatable)")
	f.StringVar(&fl.account, "account", hooks.DefaultEventAccount, "account id the stack is deployed to (selects the environment)")
	f.StringVar(&fl.region, "region", hooks.DefaultEventRegion, "region the stack is deployed to")
	f.StringVar(&fl.stack, "stack", "", "stack name (default: the template's file name)")
	f.StringVar(&fl.action, "action", "create", "create or update (an update event has the same properties before and after)")
	f.StringVar(&fl.out, "out", "", "write one file per event in this directory instead of an array on stdout")
	return cmd
}

func runHookEvents(fl *hookEventsFlags, file string, stdout io.Writer) error {
	src, err := os.ReadFile(file)
	if err != nil {
		return usageErr("%v", err)
	}
	sf := scanFlags{params: fl.params, paramFiles: fl.paramFiles}
	params, err := sf.cfnParams()
	if err != nil {
		return err
	}
	stack := fl.stack
	if stack == "" {
		stack = stackNameOf(file)
	}
	events, err := hooks.ResourceEvents(file, src, hooks.EventOptions{Params: params, AccountID: fl.account, Region: fl.region, StackName: stack, Action: fl.action})
	if err != nil {
		return errorf("%v", err)
	}
	if fl.out == "" {
		if err := writeJSON(stdout, events); err != nil {
			return errorf("%v", err)
		}
		return nil
	}
	if err := os.MkdirAll(fl.out, 0o755); err != nil {
		return usageErr("--out: %v", err)
	}
	for i, ev := range events {
		name := filepath.Join(fl.out, fmt.Sprintf("%02d-%s.json", i+1, ev.RequestData.TargetLogicalID))
		var buf bytes.Buffer
		if err := writeJSON(&buf, ev); err != nil {
			return errorf("%v", err)
		}
		if err := os.WriteFile(name, buf.Bytes(), 0o644); err != nil {
			return errorf("--out: %v", err)
		}
		fmt.Fprintln(stdout, name)
	}
	return nil
}

// stackNameOf is a stack name made from a template's file name: letters,
// digits and hyphens, starting with a letter.
func stackNameOf(file string) string {
	base := strings.TrimSuffix(filepath.Base(file), filepath.Ext(file))
	var b strings.Builder
	for _, r := range base {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9' && b.Len() > 0:
			b.WriteRune(r)
		case b.Len() > 0:
			b.WriteByte('-')
		}
	}
	if b.Len() == 0 {
		return "stack"
	}
	return b.String()
}

// ---- hook results

// hookResultsAPI is what hook results calls; tests give a fake.
type hookResultsAPI interface {
	ListHookResults(ctx context.Context, in *cloudformation.ListHookResultsInput, opts ...func(*cloudformation.Options)) (*cloudformation.ListHookResultsOutput, error)
	GetHookResult(ctx context.Context, in *cloudformation.GetHookResultInput, opts ...func(*cloudformation.Options)) (*cloudformation.GetHookResultOutput, error)
	DescribeStackEvents(ctx context.Context, in *cloudformation.DescribeStackEventsInput, opts ...func(*cloudformation.Options)) (*cloudformation.DescribeStackEventsOutput, error)
}

// newHookResultsClient returns the CloudFormation client of hook
// results; tests replace it.
var newHookResultsClient = func(ctx context.Context, region string) (hookResultsAPI, error) {
	cfg, err := loadAWSConfig(ctx, region)
	if err != nil {
		return nil, err
	}
	return cloudformation.NewFromConfig(cfg), nil
}

func loadAWSConfig(ctx context.Context, region string) (aws.Config, error) {
	var opts []func(*awsconfig.LoadOptions) error
	if region != "" {
		opts = append(opts, awsconfig.WithRegion(region))
	}
	return awsconfig.LoadDefaultConfig(ctx, opts...)
}

type hookResultsFlags struct {
	stack, changeSet, requestToken, region, format string
}

// maxStackEventPages bounds how far back hook results --stack reads the
// stack's events (100 events a page, newest first).
const maxStackEventPages = 10

func newHookResultsCmd(stdout io.Writer) *cobra.Command {
	var fl hookResultsFlags
	cmd := &cobra.Command{
		Use:   "results (--stack NAME | --change-set ARN | --request-token TOKEN)",
		Short: "Print what the deployed hook answered: status, reason, and each rule's result with its fix",
		Long: `Results prints the hook invocations of a stack, a change set or a Cloud
Control request with their annotations (one per rule: result, remediation,
link, severity), which CloudFormation's own error ("The following hook(s)
failed") does not show.

  --stack NAME          the stack's events (DescribeStackEvents) that carry a
                        hook invocation, newest first, each with its result
                        (GetHookResult) where CloudFormation keeps one
  --change-set ARN      ListHookResults for the change set, then GetHookResult
  --request-token TOKEN ListHookResults for a Cloud Control request (its hook
                        request token), then GetHookResult

Permissions: cloudformation:DescribeStackEvents, ListHookResults,
GetHookResult (and kms:Decrypt when annotations are encrypted).

Exit codes: 0 no invocation failed in FAIL mode, 1 one did, 2 usage or AWS error.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runHookResults(cmd.Context(), &fl, stdout)
		},
	}
	f := cmd.Flags()
	f.StringVar(&fl.stack, "stack", "", "stack name or id")
	f.StringVar(&fl.changeSet, "change-set", "", "change set ARN")
	f.StringVar(&fl.requestToken, "request-token", "", "Cloud Control hook request token")
	f.StringVar(&fl.region, "region", "", "AWS region (default: from the AWS configuration)")
	f.StringVarP(&fl.format, "format", "f", "text", "output format: text or json")
	return cmd
}

// hookResult is one invocation result as hook results prints it.
type hookResult struct {
	ID          string             `json:"hook_result_id,omitempty"`
	Hook        string             `json:"hook"`
	Status      string             `json:"status"`
	FailureMode string             `json:"failure_mode,omitempty"`
	Target      string             `json:"target"`
	Action      string             `json:"action,omitempty"`
	InvokedAt   *time.Time         `json:"invoked_at,omitempty"`
	Reason      string             `json:"reason,omitempty"`
	Annotations []hooks.Annotation `json:"annotations"`
	// Note says why the annotations are missing, when they are.
	Note string `json:"note,omitempty"`
}

func runHookResults(ctx context.Context, fl *hookResultsFlags, stdout io.Writer) error {
	if ctx == nil {
		ctx = context.Background()
	}
	n := 0
	for _, v := range []string{fl.stack, fl.changeSet, fl.requestToken} {
		if v != "" {
			n++
		}
	}
	if n != 1 {
		return usageErr("give exactly one of --stack, --change-set and --request-token")
	}
	if fl.format != "text" && fl.format != "json" {
		return usageErr("--format %q: want text or json", fl.format)
	}
	c, err := newHookResultsClient(ctx, fl.region)
	if err != nil {
		return errorf("loading the AWS configuration: %v", err)
	}
	var results []hookResult
	if fl.stack != "" {
		results, err = stackHookResults(ctx, c, fl.stack)
	} else {
		in := &cloudformation.ListHookResultsInput{TargetType: cfntypes.ListHookResultsTargetTypeChangeSet, TargetId: aws.String(fl.changeSet)}
		if fl.requestToken != "" {
			in = &cloudformation.ListHookResultsInput{TargetType: cfntypes.ListHookResultsTargetTypeCloudControl, TargetId: aws.String(fl.requestToken)}
		}
		results, err = listedHookResults(ctx, c, in)
	}
	if err != nil {
		return errorf("%v", err)
	}
	if fl.format == "json" {
		if results == nil {
			results = []hookResult{}
		}
		if err := writeJSON(stdout, results); err != nil {
			return errorf("%v", err)
		}
	} else {
		printHookResults(stdout, results)
	}
	for _, r := range results {
		if blocked(r) {
			return &codeError{code: exitBlocking}
		}
	}
	return nil
}

// blocked says whether a result stopped the operation: failed, in FAIL
// mode.
func blocked(r hookResult) bool {
	failed := r.Status == string(cfntypes.HookStatusHookCompleteFailed) || r.Status == string(cfntypes.HookStatusHookFailed)
	return failed && r.FailureMode != string(cfntypes.HookFailureModeWarn)
}

// listedHookResults lists the results of a change set or Cloud Control
// request, each with its annotations.
func listedHookResults(ctx context.Context, c hookResultsAPI, in *cloudformation.ListHookResultsInput) ([]hookResult, error) {
	var out []hookResult
	for {
		page, err := c.ListHookResults(ctx, in)
		if err != nil {
			return nil, fmt.Errorf("ListHookResults: %w", err)
		}
		for _, s := range page.HookResults {
			r := hookResult{
				ID:          aws.ToString(s.HookResultId),
				Hook:        aws.ToString(s.TypeName),
				Status:      string(s.Status),
				FailureMode: string(s.FailureMode),
				Target:      strings.TrimSpace(string(page.TargetType) + " " + aws.ToString(page.TargetId)),
				InvokedAt:   s.InvokedAt,
				Reason:      aws.ToString(s.HookStatusReason),
			}
			detail(ctx, c, &r)
			out = append(out, r)
		}
		if page.NextToken == nil || *page.NextToken == "" {
			return out, nil
		}
		next := *in
		next.NextToken = page.NextToken
		in = &next
	}
}

// stackHookResults reads the hook invocations from a stack's events,
// newest first, one per invocation (its latest event).
func stackHookResults(ctx context.Context, c hookResultsAPI, stack string) ([]hookResult, error) {
	in := &cloudformation.DescribeStackEventsInput{StackName: aws.String(stack)}
	seen := map[string]bool{}
	var out []hookResult
	for range maxStackEventPages {
		page, err := c.DescribeStackEvents(ctx, in)
		if err != nil {
			return nil, fmt.Errorf("DescribeStackEvents: %w", err)
		}
		for _, e := range page.StackEvents {
			if e.HookType == nil {
				continue
			}
			id := aws.ToString(e.HookInvocationId)
			key := id
			if key == "" {
				key = aws.ToString(e.EventId)
			}
			if seen[key] {
				continue
			}
			seen[key] = true
			r := hookResult{
				ID:          id,
				Hook:        aws.ToString(e.HookType),
				Status:      string(e.HookStatus),
				FailureMode: string(e.HookFailureMode),
				Target:      strings.TrimSpace(aws.ToString(e.ResourceType) + " " + aws.ToString(e.LogicalResourceId)),
				InvokedAt:   e.Timestamp,
				Reason:      aws.ToString(e.HookStatusReason),
			}
			if id != "" {
				detail(ctx, c, &r)
			} else {
				r.Note = "the stack event names no hook invocation id"
			}
			out = append(out, r)
		}
		if page.NextToken == nil || *page.NextToken == "" {
			break
		}
		next := *in
		next.NextToken = page.NextToken
		in = &next
	}
	return out, nil
}

// detail adds GetHookResult's annotations and target to r; when the call
// fails, r keeps its summary and says why in Note.
func detail(ctx context.Context, c hookResultsAPI, r *hookResult) {
	d, err := c.GetHookResult(ctx, &cloudformation.GetHookResultInput{HookResultId: aws.String(r.ID)})
	if err != nil {
		r.Note = "GetHookResult: " + err.Error()
		return
	}
	if d.Target != nil {
		r.Target = strings.TrimSpace(aws.ToString(d.Target.TargetTypeName) + " " + aws.ToString(d.Target.TargetId))
		r.Action = string(d.Target.Action)
	}
	if d.HookStatusReason != nil {
		r.Reason = *d.HookStatusReason
	}
	if d.Status != "" {
		r.Status = string(d.Status)
	}
	if d.FailureMode != "" {
		r.FailureMode = string(d.FailureMode)
	}
	for _, a := range d.Annotations {
		r.Annotations = append(r.Annotations, hooks.Annotation{
			AnnotationName:     aws.ToString(a.AnnotationName),
			Status:             string(a.Status),
			StatusMessage:      aws.ToString(a.StatusMessage),
			RemediationMessage: aws.ToString(a.RemediationMessage),
			RemediationLink:    aws.ToString(a.RemediationLink),
			SeverityLevel:      string(a.SeverityLevel),
		})
	}
}

// printHookResults writes results as text: one block per invocation,
// failed annotations first with their fix.
func printHookResults(w io.Writer, results []hookResult) {
	if len(results) == 0 {
		fmt.Fprintln(w, "No hook invocation found.")
		return
	}
	failed := 0
	for i, r := range results {
		if i > 0 {
			fmt.Fprintln(w)
		}
		mode := ""
		if r.FailureMode != "" {
			mode = " (" + r.FailureMode + ")"
		}
		fmt.Fprintf(w, "%s%s  %s  %s", r.Status, mode, r.Hook, r.Target)
		if r.Action != "" {
			fmt.Fprintf(w, " %s", r.Action)
		}
		if r.InvokedAt != nil {
			fmt.Fprintf(w, "  %s", r.InvokedAt.UTC().Format(time.RFC3339))
		}
		fmt.Fprintln(w)
		if r.Reason != "" {
			fmt.Fprintf(w, "  %s\n", r.Reason)
		}
		for _, pass := range []bool{false, true} {
			for _, a := range r.Annotations {
				if (a.Status == hooks.AnnotationFailed) == pass {
					continue
				}
				fmt.Fprintf(w, "  %-7s %s", a.Status, a.AnnotationName)
				if a.SeverityLevel != "" {
					fmt.Fprintf(w, " [%s]", strings.ToLower(a.SeverityLevel))
				}
				if a.StatusMessage != "" {
					fmt.Fprintf(w, ": %s", a.StatusMessage)
				}
				fmt.Fprintln(w)
				if a.Status == hooks.AnnotationFailed {
					if a.RemediationMessage != "" {
						fmt.Fprintf(w, "          Fix: %s\n", a.RemediationMessage)
					}
					if a.RemediationLink != "" {
						fmt.Fprintf(w, "          See: %s\n", a.RemediationLink)
					}
				}
			}
		}
		if r.Note != "" {
			fmt.Fprintf(w, "  (no rule results: %s)\n", r.Note)
		}
		if blocked(r) {
			failed++
		}
	}
	fmt.Fprintf(w, "\n%d hook invocation(s), %d failed in FAIL mode.\n", len(results), failed)
}
