"""Shared by the MCP tests: the binary, a sandboxed environment, and the pty tests' fake Messages API."""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "pty"))
