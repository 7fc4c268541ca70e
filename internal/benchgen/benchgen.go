// Package benchgen generates large, deterministic inputs for the memory
// and time benchmarks of the plan and CloudFormation loaders
// (scanner/plan and scanner/cfn bench_test.go, scripts/mem-bench.sh).
// Nothing it generates is committed.
package benchgen

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Plan returns a plan in the exact shape of fixture (the JSON `terraform
// show -json` wrote for a small configuration of root-module resources)
// with n resource changes: the fixture's resource_changes entries repeated
// in order, copy k renaming every resource NAME to NAME_k in its
// addresses, names and references, each with its planned_values,
// prior_state, configuration and relevant_attributes entries. Other
// members are kept once. The output is compact, as terraform show -json
// writes it.
func Plan(fixture []byte, n int) ([]byte, error) {
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(fixture, &doc); err != nil {
		return nil, err
	}
	var changes []json.RawMessage
	if err := json.Unmarshal(doc["resource_changes"], &changes); err != nil {
		return nil, err
	}
	if len(changes) == 0 {
		return nil, fmt.Errorf("fixture has no resource_changes")
	}
	// The resources of the fixture and a pattern that finds their
	// addresses (TYPE.NAME, not followed by more name characters).
	type ident struct{ Address, Type, Name string }
	ids := make([]ident, len(changes))
	var alts []string
	for i, c := range changes {
		if err := json.Unmarshal(c, &ids[i]); err != nil {
			return nil, err
		}
		alts = append(alts, regexp.QuoteMeta(ids[i].Type+"."+ids[i].Name))
	}
	sort.Sort(sort.Reverse(sort.StringSlice(alts))) // longest first among shared prefixes
	addrRe := regexp.MustCompile(`(` + strings.Join(alts, "|") + `)\b`)
	rename := func(entry json.RawMessage, name string, k int) []byte {
		var c bytes.Buffer
		if err := json.Compact(&c, entry); err != nil {
			panic(err) // the fixture decoded, so it compacts
		}
		suffix := "_" + strconv.Itoa(k)
		out := addrRe.ReplaceAll(c.Bytes(), []byte("${1}"+suffix))
		if name != "" {
			out = bytes.ReplaceAll(out, []byte(`"name":`+strconv.Quote(name)), []byte(`"name":`+strconv.Quote(name+suffix)))
		}
		return out
	}
	// byAddr indexes the entries of a list of resources by address.
	byAddr := func(list json.RawMessage, key string) map[string]json.RawMessage {
		var entries []json.RawMessage
		_ = json.Unmarshal(list, &entries)
		out := map[string]json.RawMessage{}
		for _, e := range entries {
			var a map[string]json.RawMessage
			if json.Unmarshal(e, &a) == nil {
				var s string
				_ = json.Unmarshal(a[key], &s)
				out[s] = e
			}
		}
		return out
	}
	section := func(path ...string) json.RawMessage {
		cur := json.RawMessage(nil)
		m := doc
		for i, p := range path {
			cur = m[p]
			if i < len(path)-1 {
				m = nil
				if json.Unmarshal(cur, &m) != nil {
					return nil
				}
			}
		}
		return cur
	}
	planned := byAddr(section("planned_values", "root_module", "resources"), "address")
	prior := byAddr(priorResources(doc["prior_state"]), "address")
	config := byAddr(section("configuration", "root_module", "resources"), "address")
	relevant := byAddr(doc["relevant_attributes"], "resource")

	type list struct{ b bytes.Buffer }
	var lists [5]bytes.Buffer // changes, planned, prior, config, relevant
	add := func(l *bytes.Buffer, e []byte) {
		if l.Len() > 0 {
			l.WriteByte(',')
		}
		l.Write(e)
	}
	for i := range n {
		j, k := i%len(changes), i/len(changes)
		id := ids[j]
		add(&lists[0], rename(changes[j], id.Name, k))
		if e, ok := planned[id.Address]; ok {
			add(&lists[1], rename(e, id.Name, k))
		}
		if e, ok := prior[id.Address]; ok {
			add(&lists[2], rename(e, id.Name, k))
		}
		if e, ok := config[id.Address]; ok {
			add(&lists[3], rename(e, id.Name, k))
		}
		if e, ok := relevant[id.Address]; ok {
			add(&lists[4], rename(e, "", k))
		}
	}
	arr := func(b *bytes.Buffer) json.RawMessage {
		return json.RawMessage("[" + b.String() + "]")
	}
	// Put the lists back in place, keeping every other member.
	var err error
	doc["resource_changes"] = arr(&lists[0])
	if doc["planned_values"], err = setPath(doc["planned_values"], arr(&lists[1]), "root_module", "resources"); err != nil {
		return nil, err
	}
	if doc["prior_state"] != nil {
		if doc["prior_state"], err = setPath(doc["prior_state"], arr(&lists[2]), "values", "root_module", "resources"); err != nil {
			return nil, err
		}
	}
	if doc["configuration"], err = setPath(doc["configuration"], arr(&lists[3]), "root_module", "resources"); err != nil {
		return nil, err
	}
	if doc["relevant_attributes"] != nil {
		doc["relevant_attributes"] = arr(&lists[4])
	}
	// The members in the order terraform writes them.
	order := []string{"format_version", "terraform_version", "variables", "planned_values", "resource_drift", "resource_changes", "output_changes", "prior_state", "configuration", "relevant_attributes", "checks", "timestamp", "applyable", "complete", "errored"}
	var out bytes.Buffer
	out.WriteByte('{')
	seen := map[string]bool{}
	write := func(k string) {
		if out.Len() > 1 {
			out.WriteByte(',')
		}
		out.WriteString(strconv.Quote(k))
		out.WriteByte(':')
		_ = json.Compact(&out, doc[k])
		seen[k] = true
	}
	for _, k := range order {
		if _, ok := doc[k]; ok {
			write(k)
		}
	}
	rest := make([]string, 0, len(doc))
	for k := range doc {
		if !seen[k] {
			rest = append(rest, k)
		}
	}
	sort.Strings(rest)
	for _, k := range rest {
		write(k)
	}
	out.WriteString("}\n")
	return out.Bytes(), nil
}

func priorResources(prior json.RawMessage) json.RawMessage {
	var p struct {
		Values struct {
			RootModule struct {
				Resources json.RawMessage `json:"resources"`
			} `json:"root_module"`
		} `json:"values"`
	}
	if prior == nil || json.Unmarshal(prior, &p) != nil {
		return nil
	}
	return p.Values.RootModule.Resources
}

// setPath replaces the member at path inside the object obj by v, keeping
// the other members and their order.
func setPath(obj json.RawMessage, v json.RawMessage, path ...string) (json.RawMessage, error) {
	if len(path) == 0 {
		return v, nil
	}
	dec := json.NewDecoder(bytes.NewReader(obj))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, fmt.Errorf("%s: not an object", path[0])
	}
	var out bytes.Buffer
	out.WriteByte('{')
	found := false
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, err
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, err
		}
		if t == path[0] {
			if raw, err = setPath(raw, v, path[1:]...); err != nil {
				return nil, err
			}
			found = true
		}
		if out.Len() > 1 {
			out.WriteByte(',')
		}
		out.WriteString(strconv.Quote(t.(string)))
		out.WriteByte(':')
		out.Write(raw)
	}
	if !found {
		return nil, fmt.Errorf("no member %s", path[0])
	}
	out.WriteByte('}')
	return out.Bytes(), nil
}

// Template returns a CloudFormation YAML template with n S3 buckets, each
// with a name, versioning, encryption and a tag (about 140 bytes each).
func Template(n int) []byte {
	var b bytes.Buffer
	b.Grow(n * 150)
	b.WriteString("AWSTemplateFormatVersion: '2010-09-09'\nResources:\n")
	for i := range n {
		fmt.Fprintf(&b, "  Bucket%d:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: data-%d\n      VersioningConfiguration: {Status: Enabled}\n", i, i)
	}
	return b.Bytes()
}
