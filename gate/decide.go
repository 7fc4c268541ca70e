package gate

import (
	"fmt"
	"slices"
	"time"

	"github.com/stackgate/stackgate/config"
	"github.com/stackgate/stackgate/policies/model"
)

// decider applies one environment's settings to the findings of one unit.
type decider struct {
	env          *config.Environment
	layer        string
	waivers      []config.Waiver
	now          time.Time
	resources    map[string]*model.Resource
	suppressions []model.Suppression
	// expired holds the expired waivers that named a resource of the unit.
	expired []config.Waiver
}

func (d *decider) decide(f *model.Finding) {
	f.Environment = d.env.Name
	f.Enforcement = d.env.Enforcement
	mandatory := slices.Contains(d.env.Mandatory, f.Rule)
	if w, ok := d.waiverFor(f); ok {
		if mandatory {
			f.Message += fmt.Sprintf(" The waiver at %s does not apply: %s is mandatory in environment %s.", describe(w), f.Rule, d.env.Name)
		} else {
			f.Waived = &model.Waiver{Kind: "waiver", Reason: w.Reason, Owner: w.Owner, Expires: w.Expires.Format("2006-01-02")}
		}
	} else if s, ok := d.suppressionFor(f); ok {
		switch {
		case mandatory:
			f.Message += fmt.Sprintf(" The stackgate:ignore at %s:%d does not apply: %s is mandatory in environment %s.", s.File, s.Line, f.Rule, d.env.Name)
		case !d.env.InlineSuppressions:
			f.Message += fmt.Sprintf(" The stackgate:ignore at %s:%d does not apply: environment %s does not allow inline suppressions.", s.File, s.Line, d.env.Name)
		default:
			f.Waived = &model.Waiver{Kind: "inline", Reason: s.Reason}
		}
	}
	f.Blocking = f.Waived == nil && d.env.Enforcement == model.EnforcementBlock &&
		(f.Status == model.StatusFail || (f.Status == model.StatusUnknown && d.env.Unknown == "block"))
	if f.Status == model.StatusUnknown {
		f.Message = unknownMessage(f.Message, f.UnknownReason, d.layer, d.env)
	}
}

// waiverFor returns the unexpired waiver covering f. Expired waivers that
// would have matched are remembered, to be reported.
func (d *decider) waiverFor(f *model.Finding) (config.Waiver, bool) {
	for _, w := range d.waivers {
		if !w.Matches(f.Rule, f.Resource, d.env.Name) {
			continue
		}
		if w.Expired(d.now) {
			continue
		}
		return w, true
	}
	return config.Waiver{}, false
}

// suppressionFor returns the inline suppression covering f: one aimed at
// the finding's own line, or at the line that declares its resource.
func (d *decider) suppressionFor(f *model.Finding) (model.Suppression, bool) {
	r := d.resources[f.Resource]
	for _, s := range d.suppressions {
		if s.Rule != f.Rule || s.Target == 0 {
			continue
		}
		if s.File == f.File && s.Target == f.Line {
			return s, true
		}
		if r != nil && s.File == r.Origin.File && (s.Target == r.Origin.NameRange.Start.Line || s.Target == r.Origin.Range.Start.Line) {
			return s, true
		}
	}
	return model.Suppression{}, false
}

// expiredWaivers reports every expired waiver that names a resource of this
// unit in this environment, as a waiver-expired finding on that resource.
func (d *decider) expiredWaivers() []model.Finding {
	var out []model.Finding
	for _, w := range d.waivers {
		if !w.Expired(d.now) || (w.Environment != "" && w.Environment != d.env.Name) {
			continue
		}
		for addr, r := range d.resources {
			if !w.Matches(w.Rule, addr, d.env.Name) {
				continue
			}
			rng := r.Origin.RangeFor("")
			file := r.Origin.File
			if rng.Filename != "" {
				file = rng.Filename
			}
			out = append(out, model.Finding{
				Rule:         WaiverExpiredRule.ID,
				Title:        WaiverExpiredRule.Title,
				Severity:     WaiverExpiredRule.Severity,
				Status:       model.StatusFail,
				Resource:     addr,
				ResourceType: r.Type,
				Root:         r.Origin.Root,
				File:         file,
				Line:         rng.Start.Line, Column: rng.Start.Column,
				EndLine: rng.End.Line, EndColumn: rng.End.Column,
				Range:       rng,
				Message:     fmt.Sprintf("The waiver of %s for %s (owner %s, %s) expired on %s and no longer applies.", w.Rule, addr, w.Owner, describe(w), w.Expires.Format("2006-01-02")),
				Remediation: WaiverExpiredRule.Remediation.For(r.Origin.Layer),
				Environment: d.env.Name,
				Enforcement: d.env.Enforcement,
			})
		}
	}
	return out
}
