package suggest

import (
	"strings"
	"testing"
)

func TestClosest(t *testing.T) {
	cands := []string{"enforcement", "environments", "s3-versioning", "s3-encryption-kms", "s3-public-access-block"}
	tests := []struct{ word, want string }{
		{"enforcment", "enforcement"},
		{"enviroments", "environments"},
		{"s3-versoning", "s3-versioning"},
		{"s3-encryption", "s3-encryption-kms"},
		{"xyz", ""},
		{"a", ""},
		{"", ""},
		{"completely-unrelated-key", ""},
		{strings.Repeat("x", 1000), ""},
	}
	for _, tt := range tests {
		if got := Closest(tt.word, cands); got != tt.want {
			t.Errorf("Closest(%q) = %q, want %q", tt.word, got, tt.want)
		}
	}
	if got := Closest("ab", nil); got != "" {
		t.Errorf("no candidates: %q", got)
	}
	// Ties go to the alphabetically first, whatever the order given.
	if a, b := Closest("bx", []string{"cx", "ax"}), Closest("bx", []string{"ax", "cx"}); a != "ax" || b != "ax" {
		t.Errorf("tie: %q, %q", a, b)
	}
}

func TestDistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"abc", "", 3},
		{"kitten", "sitting", 3},
		{"s3-versoning", "s3-versioning", 1},
	}
	for _, tt := range tests {
		if got := Distance(tt.a, tt.b); got != tt.want {
			t.Errorf("Distance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}
