package tfmap

import (
	"strings"
	"unicode"
)

// snakeCase converts a CloudFormation name to the attribute name the AWSCC
// provider generates for it. The provider snake-cases the schema's names
// word by word: an uppercase letter after a lowercase letter or a digit
// starts a word, the last letter of an uppercase run that is followed by a
// lowercase letter starts a word (KMSMasterKeyID -> kms_master_key_id), and
// a digit after a lowercase letter starts a word (CidrIpv6 -> cidr_ipv_6)
// while a digit after an uppercase letter does not (S3Bucket -> s3_bucket).
func snakeCase(name string) string {
	rs := []rune(name)
	var b strings.Builder
	for i, c := range rs {
		if i > 0 {
			prev := rs[i-1]
			var next rune
			if i+1 < len(rs) {
				next = rs[i+1]
			}
			switch {
			case unicode.IsUpper(c) && (unicode.IsLower(prev) || unicode.IsDigit(prev)):
				b.WriteByte('_')
			case unicode.IsUpper(c) && unicode.IsUpper(prev) && unicode.IsLower(next):
				b.WriteByte('_')
			case unicode.IsDigit(c) && unicode.IsLower(prev):
				b.WriteByte('_')
			}
		}
		b.WriteRune(unicode.ToLower(c))
	}
	return b.String()
}

// genericAcronyms are the words a generic conversion writes in capitals
// because CloudFormation schemas consistently do (DBInstanceClass,
// MultiAZ). Words CloudFormation spells both ways (Id and
// ID, Arn and ARN, Kms and KMS) are not listed: the common form is the
// capitalised one, and the exceptions (SSEAlgorithm, KMSMasterKeyID) are in
// the known names (names.json).
var genericAcronyms = map[string]string{
	"db":  "DB",
	"az":  "AZ",
	"ttl": "TTL",
}

// pascalCase converts a snake_case attribute name to PascalCase without
// knowing the schema: words are capitalised, the acronyms above are
// written in capitals, and a word of digits joins the word before it
// (ipv_6 -> Ipv6). A name that is not snake_case (a map key such as
// "Environment" or "DB_HOST") is returned unchanged.
func pascalCase(name string) string {
	if !isSnake(name) {
		return name
	}
	var b strings.Builder
	for _, w := range strings.Split(name, "_") {
		if w == "" {
			continue
		}
		if a, ok := genericAcronyms[w]; ok {
			b.WriteString(a)
			continue
		}
		b.WriteString(strings.ToUpper(w[:1]))
		b.WriteString(w[1:])
	}
	return b.String()
}

// isSnake reports whether name is a lowercase snake_case identifier.
func isSnake(name string) bool {
	if name == "" || name[0] < 'a' || name[0] > 'z' {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}
