# Type information for mangrove.testing (PEP 561); tests/test_typing.py
# checks it against the package.
from mangrove.testing.loopback import (
    LOOPBACK as LOOPBACK, TEST_CREDENTIALS as TEST_CREDENTIALS,
    free_port as free_port, isolated_environ as isolated_environ,
    port_accepts as port_accepts, write_boto_config as write_boto_config)
from mangrove.testing.server import (MotoServer as MotoServer,
                                     MotoServerError as MotoServerError,
                                     moto_python as moto_python)

# The names of the module's __all__ (stubtest compares the two).
__all__ = [
    'LOOPBACK',
    'TEST_CREDENTIALS',
    'MotoServer',
    'MotoServerError',
    'free_port',
    'port_accepts',
    'moto_python',
    'write_boto_config',
    'isolated_environ',
]
