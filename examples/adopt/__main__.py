"""Declares this stack's inventory, inventory/<stack>.yaml, written by `contextsms discover`.

`pulumi up` adopts every record with an `id` (nothing is written to ContextSMS) and
creates the entries without one. Day 2 is an edit of the file and a `pulumi up`.
"""

import pulumi

import pulumi_contextsms as contextsms

declared = contextsms.declare_inventory("inventory/{stack}.yaml")
pulumi.export("enterprises", {k: e.enterprise_id for k, e in declared.enterprises.items()})
pulumi.export("numbers", {n: m.mapping_id for n, m in declared.numbers.items()})
