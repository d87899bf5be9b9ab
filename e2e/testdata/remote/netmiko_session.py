"""One netmiko session against the router: show, configure, save.

Usage: netmiko_session.py DEVICE_TYPE HOST USERNAME PASSWORD MARKER
DEVICE_TYPE is cisco_ios (SSH) or cisco_ios_telnet. The session runs `show ip interface brief`,
sets `description MARKER` on GigabitEthernet0/1 with send_config_set, saves with save_config and
prints what each step returned between ==== lines, for the Go test to check.
"""
import sys

from netmiko import ConnectHandler

device_type, host, username, password, marker = sys.argv[1:]
conn = ConnectHandler(
    device_type=device_type,
    host=host,
    username=username,
    password=password,
    timeout=30,
)
try:
    print("==== prompt")
    print(conn.find_prompt())
    print("==== show ip interface brief")
    print(conn.send_command("show ip interface brief"))
    print("==== send_config_set")
    print(conn.send_config_set(["interface GigabitEthernet0/1", "description " + marker]))
    print("==== save_config")
    print(conn.save_config())
    print("==== show running-config interface GigabitEthernet0/1")
    print(conn.send_command("show running-config interface GigabitEthernet0/1"))
finally:
    conn.disconnect()
print("==== done")
