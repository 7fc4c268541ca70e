package plan

import "strings"

// modStep is one step of a module instance address: module.NAME[KEY].
// Key keeps its brackets and quoting exactly as Terraform writes it
// (`["raw"]`, `[0]`), "" for a module without count or for_each.
type modStep struct {
	Name, Key string
}

// parseModule splits a module instance address (module.a["x"].module.b)
// into its steps. ok is false for anything else.
func parseModule(addr string) (steps []modStep, ok bool) {
	for addr != "" {
		rest, found := strings.CutPrefix(addr, "module.")
		if !found {
			return nil, false
		}
		n := strings.IndexAny(rest, ".[")
		if n < 0 {
			n = len(rest)
		}
		st := modStep{Name: rest[:n]}
		rest = rest[n:]
		if strings.HasPrefix(rest, "[") {
			end := keyEnd(rest)
			if end < 0 {
				return nil, false
			}
			st.Key, rest = rest[:end], rest[end:]
		}
		if st.Name == "" {
			return nil, false
		}
		steps = append(steps, st)
		if rest != "" {
			if rest[0] != '.' {
				return nil, false
			}
			rest = rest[1:]
			if rest == "" {
				return nil, false
			}
		}
		addr = rest
	}
	return steps, true
}

// keyEnd returns the length of the instance key at the start of s
// (`["a.b]"]` or `[3]`), or -1 when it is not closed.
func keyEnd(s string) int {
	inStr, esc := false, false
	for i := 1; i < len(s); i++ {
		c := s[i]
		switch {
		case inStr && esc:
			esc = false
		case inStr && c == '\\':
			esc = true
		case c == '"':
			inStr = !inStr
		case !inStr && c == ']':
			return i + 1
		}
	}
	return -1
}

// moduleAddr writes steps back as an instance address with a trailing dot
// ("" for the root), ready to prefix a resource address.
func moduleAddr(steps []modStep) string {
	var b strings.Builder
	for _, s := range steps {
		b.WriteString("module.")
		b.WriteString(s.Name)
		b.WriteString(s.Key)
		b.WriteByte('.')
	}
	return b.String()
}

// configModule is the module's address in the configuration, without
// instance keys: "module.a.module.b." ("" for the root).
func configModule(steps []modStep) string {
	var b strings.Builder
	for _, s := range steps {
		b.WriteString("module.")
		b.WriteString(s.Name)
		b.WriteByte('.')
	}
	return b.String()
}

// refTarget is a reference to a resource as Terraform lists it in an
// expression's references: aws_kms_key.data.arn, aws_kms_key.k["a"].
type refTarget struct {
	Type, Name, Key, Attr string
}

// parseRefTarget parses a resource reference; ok is false for references
// to anything else (var., local., each., data., module., ...).
func parseRefTarget(ref string) (refTarget, bool) {
	typ, rest, found := strings.Cut(ref, ".")
	if !found || typ == "" || strings.ContainsAny(typ, "[\"") {
		return refTarget{}, false
	}
	switch typ {
	case "var", "local", "each", "count", "path", "terraform", "self", "data", "module", "ephemeral", "resource":
		return refTarget{}, false
	}
	n := strings.IndexAny(rest, ".[")
	if n < 0 {
		n = len(rest)
	}
	t := refTarget{Type: typ, Name: rest[:n]}
	if t.Name == "" {
		return refTarget{}, false
	}
	rest = rest[n:]
	if strings.HasPrefix(rest, "[") {
		end := keyEnd(rest)
		if end < 0 {
			return refTarget{}, false
		}
		t.Key, rest = rest[:end], rest[end:]
	}
	if attr, ok := strings.CutPrefix(rest, "."); ok {
		if n := strings.IndexAny(attr, ".["); n >= 0 {
			attr = attr[:n]
		}
		t.Attr = attr
	}
	return t, true
}
