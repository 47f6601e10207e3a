# Paths the tests need, from ctest's environment (python/CMakeLists.txt).
import os

import pytest


@pytest.fixture(scope="session")
def genz_exe():
    return os.environ["GENZ_TEST_EXE"]


@pytest.fixture(scope="session")
def fixtures():
    return os.environ["GENZ_TEST_FIXTURES"]


@pytest.fixture(scope="session")
def data_dir():
    d = os.environ.get("GENZ_TEST_DATA", "")
    if not os.path.isdir(d):
        pytest.skip("../shared/data is not beside the checkout")
    return d
