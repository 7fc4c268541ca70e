package config_test

import (
	"fmt"

	"github.com/stackgate/stackgate/config"
)

var catalogue = []config.RuleSpec{
	{ID: "s3-versioning", DefaultEnabled: true},
	{ID: "no-drift"},
}

func ExampleParse() {
	src := []byte(`version: 1
environments:
  prod:
    match:
      accounts: ["111111111111"]
    enforcment: block
    rules:
      no-drfit: {}
`)
	_, err := config.Parse("stackgate.yaml", src, catalogue)
	fmt.Println(err)
	// Output:
	// stackgate.yaml:6:5: unknown key 'enforcment' in environment 'prod' (did you mean 'enforcement'?); valid keys: match, enforcement, unknown, mandatory, inline_suppressions, rules
	// stackgate.yaml:8:7: environment 'prod': rules: unknown rule 'no-drfit' (did you mean 'no-drift'?)
}

func ExampleConfig_ForAccount() {
	src := []byte(`version: 1
default_environment: dev
environments:
  dev:
    enforcement: warn
  prod:
    match:
      accounts: ["111111111111"]
    rules:
      no-drift: {}
`)
	cfg, err := config.Parse("/repo/stackgate.yaml", src, catalogue)
	if err != nil {
		panic(err)
	}
	for _, account := range []string{"111111111111", "222222222222"} {
		env := cfg.ForAccount(account)
		fmt.Println(account, env.Name, env.Enforcement, env.Enabled("no-drift"))
	}
	// Output:
	// 111111111111 prod block true
	// 222222222222 dev warn false
}
