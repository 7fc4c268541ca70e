# ./mod is made, by the test, a symbolic link to ./shared.
module "m" {
  source = "./mod"
}
