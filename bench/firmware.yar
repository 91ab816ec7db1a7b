/*
 * The yara rule set a user would write to find what iotssf's firmware
 * analyses find, for the speed comparison in bench/firmware.sh: private keys,
 * password hashes and hard-coded credentials, telnetd and backdoor shells,
 * and the signature strings of common components.
 */
rule private_key_pem {
    strings:
        $a = "-----BEGIN RSA PRIVATE KEY-----"
        $b = "-----BEGIN EC PRIVATE KEY-----"
        $c = "-----BEGIN PRIVATE KEY-----"
        $d = "-----BEGIN OPENSSH PRIVATE KEY-----"
        $e = "-----BEGIN DSA PRIVATE KEY-----"
        $f = "-----BEGIN ENCRYPTED PRIVATE KEY-----"
    condition: any of them
}
rule certificate_pem { strings: $a = "-----BEGIN CERTIFICATE-----" condition: $a }
rule shadow_hash {
    strings: $a = /[a-z_][a-z0-9_-]{0,31}:\$(1|5|6|y|2[aby])\$[^:]{8,}:/
    condition: $a
}
rule empty_password { strings: $a = /\nroot::0:0:/ condition: $a }
rule telnetd_shell { strings: $a = /telnetd[^\n]{0,64}-l *\/bin\/sh/ condition: $a }
rule nc_backdoor { strings: $a = /nc [^\n]{0,32}-l[^\n]{0,32}-e *\/bin\/sh/ condition: $a }
rule hardcoded_password {
    strings: $a = /(password|passwd|pwd|secret|token|api_key)\s*[=:]\s*["']?[A-Za-z0-9!@#%^&*_+-]{6,}/ nocase
    condition: $a
}
rule wifi_psk { strings: $a = /(wpa_passphrase|psk)=[^\n]{8,63}/ condition: $a }
rule aws_key { strings: $a = /AKIA[0-9A-Z]{16}/ condition: $a }
rule snmp_community { strings: $a = /(ro|rw)community\s+(public|private)/ condition: $a }
rule elf_stack_chk { strings: $a = "__stack_chk_fail" condition: uint32(0) == 0x464c457f and $a }
rule busybox_version { strings: $a = /BusyBox v[0-9]+\.[0-9]+\.[0-9]+/ condition: $a }
rule dropbear_version { strings: $a = /dropbear_[0-9]{4}\.[0-9]+/ condition: $a }
rule openssl_version { strings: $a = /OpenSSL [0-9]\.[0-9]+\.[0-9]+[a-z]?/ condition: $a }
rule dnsmasq_version { strings: $a = /dnsmasq-[0-9]+\.[0-9]+/ condition: $a }
