"""Does galaxy.yml's version agree with the changelog (changelogs/changelog.yaml)?

Between releases galaxy.yml names the next version, newer than every release in the changelog;
a release build (scripts/release) needs it to be the changelog's latest release, which
`antsibull-changelog release` records from galaxy.yml.
    python scripts/lib/release_version.py [--release]    exit 1 and say why when they disagree
"""
from __future__ import annotations

import os
import sys

import yaml
from packaging.version import Version

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))


def read_versions(root=ROOT):
    """galaxy.yml's version and the versions released in changelogs/changelog.yaml."""
    with open(os.path.join(root, 'galaxy.yml')) as handle:
        galaxy_version = str(yaml.safe_load(handle)['version'])
    with open(os.path.join(root, 'changelogs', 'changelog.yaml')) as handle:
        releases = [str(version) for version in (yaml.safe_load(handle).get('releases') or {})]
    return galaxy_version, releases


def version_problem(galaxy_version, releases, release_build=False):
    """One sentence saying how the versions disagree, or '' when they agree."""
    latest = max(releases, key=Version) if releases else None
    if release_build:
        if latest is None:
            return (f'galaxy.yml says {galaxy_version} but the changelog has no release: '
                    'run `antsibull-changelog release` first')
        if Version(galaxy_version) != Version(latest):
            return (f'galaxy.yml says {galaxy_version} but the changelog\'s latest release is {latest}: '
                    'run `antsibull-changelog release` (it takes the version from galaxy.yml)')
        return ''
    if latest is not None and Version(galaxy_version) < Version(latest):
        return f'galaxy.yml says {galaxy_version}, older than the changelog\'s latest release {latest}'
    if galaxy_version in releases and galaxy_version != latest:
        return f'galaxy.yml says {galaxy_version}, a release older than the changelog\'s latest {latest}'
    return ''


if __name__ == '__main__':
    problem = version_problem(*read_versions(), release_build='--release' in sys.argv[1:])
    if problem:
        print(f'release version: {problem}', file=sys.stderr)
        sys.exit(1)
    print('release version: galaxy.yml and the changelog agree')
