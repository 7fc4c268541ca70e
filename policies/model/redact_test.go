package model

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestRedact(t *testing.T) {
	r := Resource{
		Address: "aws_db_instance.main",
		Properties: map[string]any{
			"DBInstanceIdentifier": "orders",
			"MasterUserPassword":   "hunter2",
			"KmsKeyId":             "arn:aws:kms:eu-west-1:111111111111:key/1",
			"Tags":                 []any{map[string]any{"Key": "api", "Value": "s3cr3t"}},
			"Unset":                nil,
		},
		Sensitive: []string{"Tags[0].Value"},
		Change:    &Change{Action: ActionUpdate, Before: map[string]any{"MasterUserPassword": "old", "Tags": []any{map[string]any{"Key": "api", "Value": "0ld"}}}},
	}
	got := r.Redact()
	want := map[string]any{
		"DBInstanceIdentifier": "orders",
		"MasterUserPassword":   Redacted,
		"KmsKeyId":             "arn:aws:kms:eu-west-1:111111111111:key/1",
		"Tags":                 []any{map[string]any{"Key": "api", "Value": Redacted}},
		"Unset":                nil,
	}
	if d := cmp.Diff(want, got.Properties); d != "" {
		t.Errorf("properties (-want +got):\n%s", d)
	}
	if got.Change.Before["MasterUserPassword"] != Redacted || got.Change.Before["Tags"].([]any)[0].(map[string]any)["Value"] != Redacted {
		t.Errorf("before %v", got.Change.Before)
	}
	if r.Properties["MasterUserPassword"] != "hunter2" || r.Change.Before["MasterUserPassword"] != "old" {
		t.Error("Redact changed the original")
	}
}

func TestSensitiveValues(t *testing.T) {
	r := Resource{
		Properties: map[string]any{
			"Algorithm": "AES256",
			"Nested":    map[string]any{"List": []any{"s3cr3t-value", int64(22), true}},
			"Password":  "hunter2",
			"Plain":     "visible",
		},
		Sensitive: []string{"Algorithm", "Nested"},
		Change:    &Change{Before: map[string]any{"Algorithm": "aws:kms"}},
	}
	got := r.SensitiveValues()
	want := []string{"s3cr3t-value", "aws:kms", "hunter2", "AES256", "22"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("SensitiveValues = %q, want %q", got, want)
	}
}

func TestRedactText(t *testing.T) {
	values := []string{"CANARY-tfvars-8c1f", "AES256", "22", "true"}
	for _, tc := range []struct{ in, want string }{
		{"Bucket b encrypts with CANARY-tfvars-8c1f (S3 managed keys).", "Bucket b encrypts with (sensitive value) (S3 managed keys)."},
		{"lowered canary-tfvars-8c1f and glued xCANARY-TFVARS-8C1Fx", "lowered (sensitive value) and glued x(sensitive value)x"},
		{"encrypts with AES256; not AES2567 nor xAES256", "encrypts with (sensitive value); not AES2567 nor xAES256"},
		{"ports [22, 443], SecurityGroupIngress[122]", "ports [(sensitive value), 443], SecurityGroupIngress[122]"},
		{"it must be true", "it must be (sensitive value)"},
		{"", ""},
	} {
		if got := RedactText(tc.in, values); got != tc.want {
			t.Errorf("RedactText(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestSecretName(t *testing.T) {
	for name, want := range map[string]bool{
		"MasterUserPassword": true, "AuthToken": true, "SecretString": true, "PrivateKey": true,
		"client_secret": true, "Credentials": true, "private_key": true,
		"HttpTokens": false, "SecretArn": false, "PasswordLength": false, "KmsKeyId": false, "Tags": false,
	} {
		if got := secretName.MatchString(name); got != want {
			t.Errorf("secretName(%q) = %v, want %v", name, got, want)
		}
	}
}

// TestRedactorMatchesRedactText checks the prepared Redactor against
// RedactText, including case-folding orbits beyond ASCII (K, ſ), values
// found again after a replacement, and repeated values.
func TestRedactorMatchesRedactText(t *testing.T) {
	values := []string{"CANARY-tfvars-8c1f", "AES256", "22", "true", "value", "value", "sensitive", "secret-key-ſ1", "K8s-token-abc", "é-secret-Ω", "a", "\u212a"}
	texts := []string{
		"Bucket b encrypts with CANARY-tfvars-8c1f (S3 managed keys).",
		"lowered canary-tfvars-8c1f and glued xCANARY-TFVARS-8C1Fx",
		"encrypts with AES256; not AES2567 nor xAES256, aes256",
		"ports [22, 443], SecurityGroupIngress[122]",
		"it must be true, TRUE, True",
		"a value here",
		"SECRET-KEY-S1 and secret-key-s1 and SECRET-KEY-ſ1",
		"\u212a8S-TOKEN-ABC k8s-token-abc",
		"É-SECRET-ω and é-secret-Ω",
		"kelvin \u212a and k and K",
		"sensitive value",
		"invalid \xff utf-8 value",
		"",
		"nothing to see",
	}
	red := NewRedactor(values)
	for _, text := range texts {
		if got, want := red.Redact(text), RedactText(text, values); got != want {
			t.Errorf("Redact(%q) = %q, RedactText = %q", text, got, want)
		}
	}
	if got := NewRedactor(nil).Redact("x true"); got != "x true" {
		t.Errorf("empty Redactor changed the text: %q", got)
	}
}
