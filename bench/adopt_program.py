"""The adoption benchmark's program (copied into its project as ``__main__.py``).

``bench:kind`` real: the inventory file declared with `declare_inventory`, every record
adopted. ``bench:kind`` floor: the same graph (an enterprise per entry, a mapping per
number, the same names and inputs) served by the do-nothing provider of `bench.floor`.
"""

import importlib

import pulumi
import yaml

if pulumi.Config("bench").require("kind") == "real":
    importlib.import_module("pulumi_contextsms").declare_inventory("inventory.yaml")
else:
    floor = importlib.import_module("bench.floor")
    with open("inventory.yaml") as handle:
        data = yaml.safe_load(handle)
    for key, entry in data["enterprises"].items():
        numbers = entry.pop("numbers", {})
        entry["adopt_id"] = entry.pop("id", None)
        enterprise = floor.Enterprise(key, **entry)
        for number, mapping in numbers.items():
            mapping["adopt_id"] = mapping.pop("id", None)
            floor.NumberMapping(
                number, enterprise_id=enterprise.enterprise_id, phone_number=number, **mapping
            )
