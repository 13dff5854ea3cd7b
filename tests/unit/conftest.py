"""Make ``ansible_collections.glusterdock.storage`` importable from this checkout."""
import os
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
COLLECTIONS = os.path.join(ROOT, '.build', 'collections')
LINK = os.path.join(COLLECTIONS, 'ansible_collections', 'glusterdock', 'storage')

# Under ansible-test the checkout already sits at ansible_collections/glusterdock/storage.
if os.path.basename(os.path.dirname(os.path.dirname(ROOT))) != 'ansible_collections':
    if not os.path.lexists(LINK):
        os.makedirs(os.path.dirname(LINK), exist_ok=True)
        os.symlink(ROOT, LINK)
    sys.path.insert(0, COLLECTIONS)
