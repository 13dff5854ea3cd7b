"""galaxy.yml's version and the changelog's releases agree (scripts/lib/release_version.py)."""
import importlib.util
import os

import pytest

SCRIPT = os.path.join(os.path.dirname(__file__), '..', '..', 'scripts', 'lib', 'release_version.py')
SPEC = importlib.util.spec_from_file_location('release_version', SCRIPT)
release_version = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(release_version)


def test_this_checkout_agrees():
    assert release_version.version_problem(*release_version.read_versions()) == ''


@pytest.mark.parametrize('galaxy_version, releases', [
    ('0.1.0', []),
    ('0.2.0', ['0.1.0']),      # the next version, not released yet
    ('0.2.0', ['0.1.0', '0.2.0']),
    ('1.0.0', ['0.9.0', '0.10.0']),
])
def test_versions_that_agree(galaxy_version, releases):
    assert release_version.version_problem(galaxy_version, releases) == ''


@pytest.mark.parametrize('galaxy_version, releases, problem', [
    ('0.1.0', ['0.2.0'], 'galaxy.yml says 0.1.0, older than the changelog\'s latest release 0.2.0'),
    ('0.9.0', ['0.9.0', '0.10.0'], 'galaxy.yml says 0.9.0, older than the changelog\'s latest release 0.10.0'),
])
def test_versions_that_disagree(galaxy_version, releases, problem):
    assert release_version.version_problem(galaxy_version, releases) == problem


@pytest.mark.parametrize('galaxy_version, releases, problem', [
    ('0.1.0', [], 'galaxy.yml says 0.1.0 but the changelog has no release: run `antsibull-changelog release` first'),
    ('0.3.0', ['0.1.0', '0.2.0'],
     'galaxy.yml says 0.3.0 but the changelog\'s latest release is 0.2.0: '
     'run `antsibull-changelog release` (it takes the version from galaxy.yml)'),
])
def test_a_release_build_needs_the_latest_release(galaxy_version, releases, problem):
    assert release_version.version_problem(galaxy_version, releases, release_build=True) == problem


def test_a_release_build_of_the_latest_release():
    assert release_version.version_problem('0.2.0', ['0.1.0', '0.2.0'], release_build=True) == ''
