package policies

import (
	"context"
	"strings"

	"github.com/stackgate/stackgate/policies/model"
)

// narrow fits a query of built-in rules to the resources it evaluates, so
// that OPA does no work that cannot find anything. Most of a scan's units
// (one template each) have none of the resource types most rules are
// about, yet every deny body of every enabled rule would still be entered,
// and every resource converted to an input value, property by property.
//
// A built-in rule with specific resource types (its metadata's
// resource_types, e.g. AWS::S3::Bucket) reads only resources of those
// types (through lib.resources, and lib.resources of its other types for
// an instance's launch template), and reports findings only on them. So:
//
//   - a rule none of whose types is among the resources is left out of
//     the query (no rule left: nothing is evaluated);
//   - unless a rule that is kept reads every resource (resource_types "*",
//     or a glob), the input holds only the resources of the kept rules'
//     types.
//
// The findings are those of the whole query over all the resources. This
// holds for built-in rules only, and only when no user module adds to a
// package they read (the same condition as Memo): a user rule may read any
// resource, and is always evaluated over all of them.
func (e *Engine) narrow(ctx context.Context, pq *preparedQuery, resources []*model.Resource) (*preparedQuery, []*model.Resource, error) {
	if e.userLib || !pq.builtinOnly() {
		return pq, resources, nil
	}
	present := make(map[string]bool, 8)
	for _, r := range resources {
		present[r.Type] = true
	}
	var ids []string
	everything := false
	for _, r := range pq.rules {
		all, relevant := ruleReach(r.rule, present)
		if !relevant {
			continue
		}
		ids = append(ids, r.rule.ID)
		everything = everything || all
	}
	if len(ids) < len(pq.rules) {
		enabled := make(map[string]map[string]any, len(ids))
		for _, id := range ids {
			enabled[id] = nil
		}
		var err error
		if pq, err = e.prepare(ctx, enabled); err != nil {
			return nil, nil, err
		}
	}
	if everything || len(ids) == 0 {
		return pq, resources, nil
	}
	wanted := map[string]bool{}
	for _, r := range pq.rules {
		for _, t := range r.rule.ResourceTypes {
			wanted[t] = true
		}
	}
	kept := make([]*model.Resource, 0, len(resources))
	for _, r := range resources {
		if wanted[r.Type] {
			kept = append(kept, r)
		}
	}
	return pq, kept, nil
}

// ruleReach says whether rule reads every resource (all: resource_types
// "*" or a glob), or else whether it reads some resource of a type in
// present (relevant; always true when all).
func ruleReach(rule model.Rule, present map[string]bool) (all, relevant bool) {
	if len(rule.ResourceTypes) == 0 {
		return true, true
	}
	for _, t := range rule.ResourceTypes {
		if strings.ContainsAny(t, "*?[{") {
			return true, true
		}
		if present[t] {
			relevant = true
		}
	}
	return false, relevant
}
