// Command stackgate-hook is stackgate's CloudFormation Lambda hook: the
// `bootstrap` of a provided.al2023 function that answers every hook
// invocation (RESOURCE, STACK, CHANGE_SET, CLOUD_CONTROL) with the
// decision of the same rules and configuration the CLI and the editor
// use. See package hooks for what it answers, and hooks/deploy for the
// CloudFormation template that deploys it.
//
// Build (make hook-zip):
//
//	CGO_ENABLED=0 GOOS=linux GOARCH=arm64 go build -tags lambda.norpc -trimpath -o bootstrap ./cmd/stackgate-hook
//
// Configuration, read once per container when it starts (Lambda's init
// phase, concurrently with the first poll for an event), with the rules
// compiled then:
//
//   - STACKGATE_CONFIG_S3=s3://bucket/key: the stackgate.yaml in S3;
//   - STACKGATE_CONFIG_SSM=/param/name: the stackgate.yaml in an SSM
//     parameter (String or SecureString, decrypted);
//   - STACKGATE_CONFIG=path: a file (relative paths are relative to
//     $LAMBDA_TASK_ROOT);
//   - otherwise stackgate.yaml next to the binary ($LAMBDA_TASK_ROOT, the
//     root of the deployment zip), or the built-in defaults when the zip
//     has none.
//
// A configuration that cannot be read answers every invocation FAILED
// with InternalFailure, the reason in the log: never a silent pass.
//
// STACKGATE_OFFLINE=1 makes no AWS call at all (drift is reported as not
// checked, the S3 and SSM sources are refused): for tests and local runs.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/cloudcontrol"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/ssm"

	"github.com/stackgate/stackgate/hooks"
)

// Environment variables.
const (
	envConfig    = "STACKGATE_CONFIG"
	envConfigS3  = "STACKGATE_CONFIG_S3"
	envConfigSSM = "STACKGATE_CONFIG_SSM"
	envOffline   = "STACKGATE_OFFLINE"
	envTaskRoot  = "LAMBDA_TASK_ROOT"
)

// maxConfigBytes bounds a configuration read from S3 (an SSM parameter
// is at most 8 KB anyway).
const maxConfigBytes = 1 << 20

func main() {
	k := newHook(os.Getenv, slog.New(slog.NewJSONHandler(os.Stderr, nil)))
	// Prepare while the runtime client starts polling for the first
	// event: in Lambda's init phase, not in the first deploy's time.
	go k.warm()
	lambda.Start(k.handle)
}

// warmTimeout bounds the configuration read of warm (S3, SSM). An
// invocation that finds it unfinished waits for it, as for any prepare.
const warmTimeout = 20 * time.Second

// warm prepares the handler once (as the first invocation would) and
// compiles its rules. Errors are kept for the invocations to answer.
func (k *hook) warm() {
	ctx, cancel := context.WithTimeout(context.Background(), warmTimeout)
	defer cancel()
	if h, err := k.handler(ctx); err == nil {
		if err := h.Warm(); err != nil {
			k.log.Error("stackgate could not load its configuration or rules", "error", err.Error())
		}
	}
}

// hook prepares the handler once per container: warm does it when the
// container starts, or the first invocation if it comes sooner. Reading
// the configuration (from S3 or SSM, a network call) and compiling the
// rules are never done in a Go init function.
type hook struct {
	getenv func(string) string
	log    *slog.Logger

	once sync.Once
	h    *hooks.Handler
	err  error
}

func newHook(getenv func(string) string, log *slog.Logger) *hook {
	return &hook{getenv: getenv, log: log}
}

// handler is the handler, prepared by the first caller (with its
// context); later callers wait for it and get the same handler or error.
func (k *hook) handler(ctx context.Context) (*hooks.Handler, error) {
	k.once.Do(func() { k.h, k.err = k.prepare(ctx) })
	return k.h, k.err
}

func (k *hook) handle(ctx context.Context, req hooks.Request) (hooks.Response, error) {
	h, err := k.handler(ctx)
	if err != nil {
		k.log.Error("stackgate could not check the operation", "clientRequestToken", req.ClientRequestToken,
			"operation", req.Operation(), "error", err.Error())
		return hooks.Response{
			HookStatus:         hooks.StatusFailed,
			ErrorCode:          hooks.ErrorInternalFailure,
			Message:            "stackgate could not check this operation: " + err.Error(),
			ClientRequestToken: req.ClientRequestToken,
		}, nil
	}
	return h.Handle(ctx, req)
}

// prepare builds the handler: AWS clients from the default configuration
// (the function's role), and the stackgate configuration from where the
// environment says.
func (k *hook) prepare(ctx context.Context) (*hooks.Handler, error) {
	offline := k.getenv(envOffline) != "" && k.getenv(envOffline) != "0" && k.getenv(envOffline) != "false"
	opts := hooks.Options{Region: k.getenv("AWS_REGION"), Offline: offline, Logger: k.log}
	var cfg aws.Config
	if !offline {
		var err error
		cfg, err = config.LoadDefaultConfig(ctx)
		if err != nil {
			return nil, fmt.Errorf("loading the AWS configuration: %w", err)
		}
		opts.CloudFormation = cloudformation.NewFromConfig(cfg)
		opts.CloudControl = cloudcontrol.NewFromConfig(cfg)
	}
	s3URI, param, file := k.getenv(envConfigS3), k.getenv(envConfigSSM), k.getenv(envConfig)
	n := 0
	for _, v := range []string{s3URI, param, file} {
		if v != "" {
			n++
		}
	}
	if n > 1 {
		return nil, fmt.Errorf("set one of %s, %s and %s, not several", envConfigS3, envConfigSSM, envConfig)
	}
	switch {
	case s3URI != "":
		if offline {
			return nil, fmt.Errorf("%s is set, but %s forbids AWS calls", envConfigS3, envOffline)
		}
		b, err := readS3(ctx, s3.NewFromConfig(cfg), s3URI)
		if err != nil {
			return nil, fmt.Errorf("reading the configuration from %s: %w", s3URI, err)
		}
		opts.ConfigFile, opts.ConfigData = s3URI, b
	case param != "":
		if offline {
			return nil, fmt.Errorf("%s is set, but %s forbids AWS calls", envConfigSSM, envOffline)
		}
		b, err := readSSM(ctx, ssm.NewFromConfig(cfg), param)
		if err != nil {
			return nil, fmt.Errorf("reading the configuration from SSM parameter %s: %w", param, err)
		}
		opts.ConfigFile, opts.ConfigData = "ssm:"+param, b
	default:
		path, err := k.configFile(file)
		if err != nil {
			return nil, err
		}
		opts.ConfigFile = path
	}
	k.log.Info("stackgate configuration", "source", opts.ConfigFile, "offline", offline)
	return hooks.NewHandler(opts)
}

// configFile is the configuration file to use: name (relative to the
// task root), else stackgate.yaml in the task root (or next to the
// binary), "" (the built-in defaults) when there is none.
func (k *hook) configFile(name string) (string, error) {
	root := k.getenv(envTaskRoot)
	if root == "" {
		if exe, err := os.Executable(); err == nil {
			root = filepath.Dir(exe)
		}
	}
	if name != "" {
		if !filepath.IsAbs(name) {
			name = filepath.Join(root, name)
		}
		if _, err := os.Stat(name); err != nil {
			return "", fmt.Errorf("%s: %w", envConfig, err)
		}
		return name, nil
	}
	for _, base := range []string{"stackgate.yaml", "stackgate.yml"} {
		p := filepath.Join(root, base)
		if _, err := os.Stat(p); err == nil {
			return p, nil
		} else if !errors.Is(err, os.ErrNotExist) {
			return "", fmt.Errorf("%s: %w", p, err)
		}
	}
	return "", nil
}

// s3API and ssmAPI are the calls the configuration sources make.
type s3API interface {
	GetObject(ctx context.Context, in *s3.GetObjectInput, opts ...func(*s3.Options)) (*s3.GetObjectOutput, error)
}

type ssmAPI interface {
	GetParameter(ctx context.Context, in *ssm.GetParameterInput, opts ...func(*ssm.Options)) (*ssm.GetParameterOutput, error)
}

// readS3 reads s3://bucket/key.
func readS3(ctx context.Context, c s3API, uri string) ([]byte, error) {
	u, err := url.Parse(uri)
	if err != nil || u.Scheme != "s3" || u.Host == "" || strings.TrimPrefix(u.Path, "/") == "" {
		return nil, fmt.Errorf("%s: want s3://bucket/key", envConfigS3)
	}
	out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(u.Host), Key: aws.String(strings.TrimPrefix(u.Path, "/"))})
	if err != nil {
		return nil, err
	}
	defer out.Body.Close()
	b, err := io.ReadAll(io.LimitReader(out.Body, maxConfigBytes+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxConfigBytes {
		return nil, fmt.Errorf("the object is larger than %d bytes", maxConfigBytes)
	}
	return b, nil
}

// readSSM reads a parameter, decrypting a SecureString.
func readSSM(ctx context.Context, c ssmAPI, name string) ([]byte, error) {
	out, err := c.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String(name), WithDecryption: aws.Bool(true)})
	if err != nil {
		return nil, err
	}
	if out.Parameter == nil || out.Parameter.Value == nil {
		return nil, errors.New("the parameter has no value")
	}
	return []byte(*out.Parameter.Value), nil
}
