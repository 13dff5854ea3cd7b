"""entry_validations: how both list forms (gluster_volume, docker_gluster_volume) word an entry the
single form's argument spec refuses."""
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.glusterdock.storage.plugins.module_utils.errors import entry_validations

SPEC = dict(name=dict(type='str', required=True), size=dict(type='int'))


def label_of(entry, index):
    return 'volumes[%d]' % index


def test_each_entry_is_named_with_what_the_spec_found():
    entries = [{'name': 'a', 'size': '3'}, {'name': 'b', 'colour': 'red'}, {'size': 'big'}]
    found = list(entry_validations(entries, ArgumentSpecValidator(SPEC).validate, label_of, 'one volume', SPEC))
    assert [(label, problem) for label, _validation, problem in found] == [
        ('volumes[0]', None),
        ('volumes[1]', 'volumes[1]: unsupported parameters: colour (an entry takes the options of one volume: name, size)'),
        ('volumes[2]', found[2][2]),
    ]
    assert found[2][2].startswith("volumes[2]: missing required arguments: name; argument 'size' is of type str")
    assert found[0][1].validated_parameters == {'name': 'a', 'size': 3}
