package hooks

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"syscall"
	"time"
)

// Payload limits: a template is at most 1 MB (CloudFormation's own limit
// for a template in S3); the payload adds the previous template or the
// changed resources.
const (
	// MaxPayloadBytes bounds the size of a stack or change-set payload.
	MaxPayloadBytes = 5 << 20
	// payloadTimeout bounds one payload download.
	payloadTimeout = 10 * time.Second
)

// fetcher downloads stack and change-set payloads from their presigned S3
// URLs. Only HTTPS to an S3 endpoint of an AWS partition is allowed, also
// after a redirect, and the connection is refused when the host resolves
// to a loopback, link-local, private or unspecified address, so a forged
// request cannot make the hook read an internal service (the Lambda's
// runtime API, instance metadata, a VPC endpoint).
type fetcher struct {
	opts   fetchOptions
	client *http.Client
}

// fetchOptions are the fetcher's policy. The zero value is the production
// policy; tests replace allowURL and checkIP (to allow their local TLS
// server) and rootCAs, never through an exported API.
type fetchOptions struct {
	// allowURL says whether a URL may be fetched (allowS3URL when nil).
	allowURL func(*url.URL) error
	// checkIP says whether a resolved address may be dialled
	// (checkPublicIP when nil).
	checkIP func(net.IP) error
	// rootCAs replaces the system roots (tests' self-signed server).
	rootCAs *x509.CertPool
	// maxBytes bounds the payload (MaxPayloadBytes when 0).
	maxBytes int64
	// timeout bounds one download (payloadTimeout when 0).
	timeout time.Duration
}

func newFetcher(o fetchOptions) *fetcher {
	if o.allowURL == nil {
		o.allowURL = allowS3URL
	}
	if o.checkIP == nil {
		o.checkIP = checkPublicIP
	}
	if o.maxBytes <= 0 {
		o.maxBytes = MaxPayloadBytes
	}
	if o.timeout <= 0 {
		o.timeout = payloadTimeout
	}
	dialer := &net.Dialer{
		Timeout: o.timeout,
		// Control runs after name resolution, on the address actually
		// dialled, so DNS rebinding cannot slip past it.
		Control: func(network, address string, _ syscall.RawConn) error {
			host, _, err := net.SplitHostPort(address)
			if err != nil {
				return err
			}
			ip := net.ParseIP(host)
			if ip == nil {
				return fmt.Errorf("refusing to connect to %s: not an IP address", host)
			}
			return o.checkIP(ip)
		},
	}
	transport := &http.Transport{
		// No proxy from the environment: the address check must see
		// the real peer.
		Proxy:                 nil,
		DialContext:           dialer.DialContext,
		TLSClientConfig:       &tls.Config{MinVersion: tls.VersionTLS12, RootCAs: o.rootCAs},
		TLSHandshakeTimeout:   o.timeout,
		ResponseHeaderTimeout: o.timeout,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          4,
		IdleConnTimeout:       30 * time.Second,
	}
	client := &http.Client{
		Transport: transport,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= 3 {
				return errors.New("too many redirects")
			}
			if err := o.allowURL(req.URL); err != nil {
				return fmt.Errorf("redirect refused: %w", err)
			}
			return nil
		},
	}
	return &fetcher{opts: o, client: client}
}

// fetch downloads rawURL, within ctx and the fetcher's time and size
// bounds. Every refusal says why, without the URL's query (it holds the
// presigned credentials).
func (f *fetcher) fetch(ctx context.Context, rawURL string) ([]byte, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, errors.New("payload URL does not parse")
	}
	if err := f.opts.allowURL(u); err != nil {
		return nil, fmt.Errorf("payload URL refused: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, f.opts.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("payload request: %w", err)
	}
	resp, err := f.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetching the payload from %s: %w", u.Host, stripURL(err))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fetching the payload from %s: HTTP status %d", u.Host, resp.StatusCode)
	}
	if resp.ContentLength > f.opts.maxBytes {
		return nil, fmt.Errorf("payload is %d bytes, over the %d byte limit", resp.ContentLength, f.opts.maxBytes)
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, f.opts.maxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("reading the payload from %s: %w", u.Host, stripURL(err))
	}
	if int64(len(b)) > f.opts.maxBytes {
		return nil, fmt.Errorf("payload is over the %d byte limit", f.opts.maxBytes)
	}
	return b, nil
}

// stripURL drops the URL (with its presigned query) from a client error.
func stripURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// s3Suffixes are the DNS suffixes of the AWS partitions' service
// endpoints: aws and aws-us-gov (amazonaws.com), aws-cn
// (amazonaws.com.cn), aws-iso (c2s.ic.gov), aws-iso-b (sc2s.sgov.gov),
// aws-iso-e (cloud.adc-e.uk), aws-iso-f (csp.hci.ic.gov) and aws-eusc
// (amazonaws.eu).
var s3Suffixes = []string{
	".amazonaws.com", ".amazonaws.com.cn", ".c2s.ic.gov", ".sc2s.sgov.gov",
	".cloud.adc-e.uk", ".csp.hci.ic.gov", ".amazonaws.eu",
}

var (
	// region matches a region name: us-east-1, us-gov-west-1, cn-north-1,
	// us-isob-east-1, eu-isoe-west-1.
	region = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]+$`)
	// s3Label matches the S3 label of an endpoint host: s3, s3-fips,
	// s3-external-1, s3-<region> (legacy dash form).
	s3Label = regexp.MustCompile(`^s3(-fips)?(-external-1|-[a-z]{2}(-[a-z]+)+-[0-9]+)?$`)
)

// allowS3URL allows HTTPS URLs on port 443 whose host is an S3 endpoint of
// an AWS partition, path-style or virtual-hosted: s3.amazonaws.com,
// s3.<region>.amazonaws.com, s3-<region>.amazonaws.com,
// s3.dualstack.<region>.amazonaws.com, s3-fips.<region>.amazonaws.com,
// each optionally preceded by a bucket name. Between the S3 label and the
// partition suffix only a region and "dualstack" may appear, so the
// endpoints of other services (whose names customers choose, such as
// load balancers) do not pass.
func allowS3URL(u *url.URL) error {
	if u.Scheme != "https" {
		return fmt.Errorf("scheme %q is not https", u.Scheme)
	}
	if p := u.Port(); p != "" && p != "443" {
		return fmt.Errorf("port %s is not 443", p)
	}
	if u.User != nil {
		return errors.New("URL carries user information")
	}
	host := strings.ToLower(u.Hostname())
	if !isS3Host(host) {
		return fmt.Errorf("host %s is not an S3 endpoint of an AWS partition", host)
	}
	return nil
}

func isS3Host(host string) bool {
	for _, suffix := range s3Suffixes {
		rest, ok := strings.CutSuffix(host, suffix)
		if !ok || rest == "" {
			continue
		}
		labels := strings.Split(rest, ".")
		for i := len(labels) - 1; i >= 0; i-- {
			l := labels[i]
			if s3Label.MatchString(l) {
				return true
			}
			if !(l == "dualstack" || region.MatchString(l)) {
				break
			}
		}
	}
	return false
}

// checkPublicIP refuses addresses that are not on the public internet:
// loopback, link-local (169.254.169.254 is instance metadata), private
// (RFC 1918, fc00::/7), unspecified, multicast, and the CGNAT range
// (100.64.0.0/10, which some metadata endpoints use).
func checkPublicIP(ip net.IP) error {
	switch {
	case ip.IsLoopback():
		return fmt.Errorf("refusing to connect to %s: loopback address", ip)
	case ip.IsLinkLocalUnicast(), ip.IsLinkLocalMulticast(), ip.IsInterfaceLocalMulticast():
		return fmt.Errorf("refusing to connect to %s: link-local address", ip)
	case ip.IsPrivate(), cgnat.Contains(ip):
		return fmt.Errorf("refusing to connect to %s: private address", ip)
	case ip.IsUnspecified():
		return fmt.Errorf("refusing to connect to %s: unspecified address", ip)
	case ip.IsMulticast():
		return fmt.Errorf("refusing to connect to %s: multicast address", ip)
	}
	return nil
}

var cgnat = &net.IPNet{IP: net.IPv4(100, 64, 0, 0), Mask: net.CIDRMask(10, 32)}
