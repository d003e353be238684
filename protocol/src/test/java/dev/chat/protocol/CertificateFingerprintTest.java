package dev.chat.protocol;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CertificateFingerprintTest {
    // SHA-256 of the empty input, a value anyone can check: e3b0c442...b855
    private static final String EMPTY = "SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU";
    private static final String EMPTY_HEX =
            "E3:B0:C4:42:98:FC:1C:14:9A:FB:F4:C8:99:6F:B9:24:27:AE:41:E4:64:9B:93:4C:A4:95:99:1B:78:52:B8:55";

    @Test
    void digestsTheBytesAsOpenSshWritesFingerprints() {
        assertThat(CertificateFingerprint.of(new byte[0])).isEqualTo(EMPTY);
        assertThat(CertificateFingerprint.isValid(EMPTY)).isTrue();
        assertThat(CertificateFingerprint.of("x".getBytes(UTF_8))).hasSize(7 + 43).startsWith("SHA256:");
    }

    @Test
    void readsTheFormsPeopleCopy() {
        assertThat(CertificateFingerprint.parse("  " + EMPTY + "\n")).isEqualTo(EMPTY);
        assertThat(CertificateFingerprint.parse(EMPTY_HEX)).isEqualTo(EMPTY);
        assertThat(CertificateFingerprint.parse(EMPTY_HEX.replace(":", "").toLowerCase())).isEqualTo(EMPTY);
        assertThat(CertificateFingerprint.parse("sha256 Fingerprint=" + EMPTY_HEX)).isEqualTo(EMPTY);
        assertThat(CertificateFingerprint.parse("SHA256:" + EMPTY_HEX)).isEqualTo(EMPTY);
    }

    @Test
    void refusesWhatIsNotOne() {
        assertThat(CertificateFingerprint.isValid("SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFV")).isFalse();
        assertThat(CertificateFingerprint.isValid("SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=")).isFalse();
        assertThat(CertificateFingerprint.isValid("MD5:00")).isFalse();
        assertThat(CertificateFingerprint.isValid(null)).isFalse();
        assertThatThrownBy(() -> CertificateFingerprint.parse("SHA256:abc"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a certificate fingerprint");
        assertThatThrownBy(() -> CertificateFingerprint.parse(EMPTY_HEX.substring(3)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
