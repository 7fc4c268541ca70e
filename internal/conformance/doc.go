// Package conformance holds the cross-layer test: one infrastructure,
// written as CloudFormation, Terraform (aws and awscc providers) and a
// Terraform plan, must produce the same (rule, resource) findings. The
// fixture is testdata/conformance at the repository root.
package conformance
