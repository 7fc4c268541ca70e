package report

import "github.com/stackgate/stackgate/policies/model"

// style wraps text in ANSI SGR sequences when colour is on and returns it
// unchanged otherwise, so the text writer is written once for both.
type style struct{ on bool }

// SGR parameters used by the text format.
const (
	sgrBold    = "1"
	sgrDim     = "2"
	sgrRed     = "1;31"
	sgrGreen   = "1;32"
	sgrYellow  = "1;33"
	sgrBlue    = "1;34"
	sgrMagenta = "1;35"
	sgrCyan    = "1;36"
)

func (s style) paint(sgr, text string) string {
	if !s.on || text == "" {
		return text
	}
	return "\x1b[" + sgr + "m" + text + "\x1b[0m"
}

// severity colours a severity's label: critical magenta, high red, medium
// yellow, low blue; anything else is bold.
func severityColor(severity string) string {
	switch severity {
	case model.SeverityCritical:
		return sgrMagenta
	case model.SeverityHigh:
		return sgrRed
	case model.SeverityMedium:
		return sgrYellow
	case model.SeverityLow:
		return sgrBlue
	}
	return sgrBold
}
