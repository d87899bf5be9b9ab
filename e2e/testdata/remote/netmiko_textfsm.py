"""netmiko's send_command with use_textfsm: show ip interface brief parsed into records.

Usage: NET_TEXTFSM=DIR netmiko_textfsm.py HOST USERNAME PASSWORD
"""
import sys

from netmiko import ConnectHandler

host, username, password = sys.argv[1:]
conn = ConnectHandler(device_type="cisco_ios", host=host, username=username, password=password, timeout=30)
try:
    print(conn.send_command("show ip interface brief", use_textfsm=True))
finally:
    conn.disconnect()
