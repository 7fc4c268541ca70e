package stackgate.rules.rds_storage_encrypted_test

import data.stackgate.rules.rds_storage_encrypted

db(props) := {"address": "Db", "type": "AWS::RDS::DBInstance", "properties": props, "unknown_paths": []}

test_encrypted_passes if {
	count(rds_storage_encrypted.deny) == 0 with input as {"resources": [db({"StorageEncrypted": true})]}
}

test_unencrypted_fails if {
	some f in rds_storage_encrypted.deny with input as {"resources": [db({"StorageEncrypted": false})]}
	f.status == "fail"
}

test_missing_fails if {
	count(rds_storage_encrypted.deny) == 1 with input as {"resources": [db({})]}
}

test_replica_inherits if {
	count(rds_storage_encrypted.deny) == 0 with input as {"resources": [db({"SourceDBInstanceIdentifier": "primary"})]}
}
