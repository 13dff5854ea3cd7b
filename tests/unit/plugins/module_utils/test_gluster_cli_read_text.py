"""GlusterCli.read_text: the one read without --xml (volume status NAME client-list)."""
import pytest

from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_cli import GlusterCli, GlusterCommandError


def test_read_text_runs_without_xml_and_records_the_call():
    seen = []

    def run_command(argv):
        seen.append(argv)
        return 0, 'Client connections for volume v\n', ''
    cli = GlusterCli(run_command, check_mode=True, gluster='/usr/sbin/gluster')
    assert cli.read_text('volume', 'status', 'v', 'client-list') == 'Client connections for volume v\n'
    assert seen == [['/usr/sbin/gluster', '--mode=script', 'volume', 'status', 'v', 'client-list']]
    assert cli.calls == ['gluster --mode=script volume status v client-list']
    assert cli.commands == []


def test_read_text_fails_on_a_non_zero_exit():
    cli = GlusterCli(lambda argv: (1, '', 'Commit failed on node2. Please check log file for details.\n'))
    with pytest.raises(GlusterCommandError) as error:
        cli.read_text('volume', 'status', 'v', 'client-list')
    assert 'Commit failed on node2' in str(error.value)
    assert error.value.rc == 1
