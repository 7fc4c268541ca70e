package cfn

import (
	"bytes"
	"regexp"
)

// detectWindow bounds how much of a file IsTemplate looks at: the
// signature of a template (its format version, or a Resources section with
// AWS types) appears near the top of any real one.
const detectWindow = 256 << 10

var (
	versionRe = regexp.MustCompile(`(?m)^(?:\xef\xbb\xbf)?["']?AWSTemplateFormatVersion["']?\s*:|"AWSTemplateFormatVersion"\s*:`)
	// A Resources section at the top level of YAML, or anywhere in JSON.
	resourcesRe = regexp.MustCompile(`(?m)^(?:\xef\xbb\xbf)?["']?Resources["']?\s*:|"Resources"\s*:`)
	// A resource Type with an AWS, Custom or Alexa namespace.
	typeRe = regexp.MustCompile(`["']?Type["']?\s*:\s*["']?(?:AWS|Custom|Alexa)::[A-Za-z0-9]`)
)

// IsTemplate reports whether src looks like a CloudFormation template: it
// declares AWSTemplateFormatVersion, or it has a Resources section with a
// Type in the AWS::, Custom:: or Alexa:: namespace (SAM templates often have
// no version). It reads at most the first 256 KiB, does not parse, and never
// fails; Load is the authority.
func IsTemplate(src []byte) bool {
	if len(src) > detectWindow {
		src = src[:detectWindow]
	}
	if !bytes.Contains(src, []byte("AWSTemplateFormatVersion")) && !bytes.Contains(src, []byte("Resources")) {
		return false
	}
	if versionRe.Match(src) {
		return true
	}
	loc := resourcesRe.FindIndex(src)
	return loc != nil && typeRe.Match(src[loc[1]:])
}
