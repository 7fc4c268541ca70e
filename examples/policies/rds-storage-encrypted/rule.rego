# METADATA
# title: RDS instances encrypt their storage
# description: |
#   A user rule, shipped with the example repository to show that rules in a
#   policy directory are first-class: same metadata, same library, same
#   reports as the built-in ones. RDS storage encryption can only be chosen
#   when the instance is created.
# related_resources:
#   - https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Overview.Encryption.html
# custom:
#   id: rds-storage-encrypted
#   severity: high
#   resource_types: ["AWS::RDS::DBInstance"]
#   default_enabled: true
#   remediation:
#     cloudformation: Set StorageEncrypted to true (and KmsKeyId to a customer managed key).
#     terraform: Set storage_encrypted = true (and kms_key_id to a customer managed key) on the aws_db_instance.
package stackgate.rules.rds_storage_encrypted

import data.stackgate.lib

deny contains f if {
	some r in lib.resources("AWS::RDS::DBInstance")
	not lib.unknown(r, "StorageEncrypted")
	not r.properties.StorageEncrypted == true
	not r.properties.SourceDBInstanceIdentifier # read replicas inherit encryption
	f := lib.fail(r, "StorageEncrypted", sprintf("Database %s does not encrypt its storage; encryption can only be turned on when the instance is created.", [r.address]))
}

deny contains f if {
	some r in lib.resources("AWS::RDS::DBInstance")
	lib.unknown(r, "StorageEncrypted")
	f := lib.undecided(r, "StorageEncrypted", sprintf("Whether database %s encrypts its storage is not known statically.", [r.address]))
}
