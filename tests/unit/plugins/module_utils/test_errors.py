"""How both list forms (gluster_volume, docker_gluster_volume) name an entry, and word one the
single form's argument spec refuses (entry_validations)."""
import pytest
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.glusterdock.storage.plugins.module_utils.docker_gluster_volume_list import (
    entry_label as docker_entry_label,
)
from ansible_collections.glusterdock.storage.plugins.module_utils.errors import entry_label, entry_validations, named_entry_label
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_volume_list import (
    entry_label as gluster_entry_label,
)

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


@pytest.mark.parametrize('entry, label', [
    (dict(name='web'), 'volumes[3] (name web)'),
    # The index tells entries apart whatever their names: a number, or one listed twice.
    (dict(name='0'), 'volumes[3] (name 0)'),
    # A name the message is about is shown as given; one that could break the message is not.
    (dict(name='-x'), 'volumes[3] (name -x)'), (dict(name='a\nb'), 'volumes[3]'), (dict(name='x' * 256), 'volumes[3]'),
    (dict(name=None), 'volumes[3]'), (dict(name=''), 'volumes[3]'), (dict(), 'volumes[3]'), ('web', 'volumes[3]'),
])
def test_both_list_forms_name_an_entry_by_index_and_name(entry, label):
    assert entry_label(entry, 3) == label
    assert gluster_entry_label(entry, 3) == docker_entry_label(entry, 3) == label


def test_each_list_form_finds_the_name_under_its_own_alias():
    assert gluster_entry_label(dict(volume='web'), 1) == 'volumes[1] (name web)'
    assert docker_entry_label(dict(volume_name='web'), 1) == 'volumes[1] (name web)'
    assert named_entry_label(2, 'db') == 'volumes[2] (name db)'
