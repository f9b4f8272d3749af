package io.jmachine.provisioner.tls;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The store's CA (certs/ca.pem, ca-key.pem) and client certificate (certs/cert.pem, key.pem), shared by all
 * machines, and the server certificates it issues for each machine's engine. ECDSA P-256 throughout. The
 * CA's key never leaves this folder: hosts get ca.pem and their own server key only.
 */
public final class CertificateAuthority {

    public static final String CA_CERT = "ca.pem";
    public static final String CA_KEY = "ca-key.pem";
    public static final String CLIENT_CERT = "cert.pem";
    public static final String CLIENT_KEY = "key.pem";
    /** The curve of every key this CA makes, its own included. */
    public static final String CURVE = "secp256r1";

    /** Docker Machine's validity; renewed when less than {@link #RENEW_BEFORE} is left. */
    static final Duration VALIDITY = Duration.ofDays(1080);
    static final Duration RENEW_BEFORE = Duration.ofDays(30);
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private final Path certsDir;
    private final String organization;
    private final Clock clock;
    /** Made on first signature: a SecureRandom loads the security providers, which `env` (its Machines come with a CA) never needs. */
    private static final class Serials {
        static final SecureRandom RANDOM = new SecureRandom();
    }

    /**
     * @param certsDir     the store's certs/ folder
     * @param organization the O= of every certificate (Docker Machine uses the user's name)
     */
    public CertificateAuthority(Path certsDir, String organization, Clock clock) {
        this.certsDir = certsDir;
        this.organization = organization;
        this.clock = clock;
    }

    public Path caCert() {
        return certsDir.resolve(CA_CERT);
    }

    public Path caKey() {
        return certsDir.resolve(CA_KEY);
    }

    public Path clientCert() {
        return certsDir.resolve(CLIENT_CERT);
    }

    public Path clientKey() {
        return certsDir.resolve(CLIENT_KEY);
    }

    /**
     * Makes the CA and the client certificate where they are missing or about to expire; a new CA also
     * gets a new client certificate. Returns true when anything was made (server certificates of existing
     * machines then need `regenerate-certs`).
     */
    public boolean bootstrap() throws IOException {
        boolean newCa = !valid(caCert()) || !Files.exists(caKey());
        if (newCa) {
            makeCa();
        }
        if (newCa || !valid(clientCert()) || !Files.exists(clientKey())) {
            makeClient();
            return true;
        }
        return false;
    }

    /** A new CA and client certificate, whatever is there (`regenerate-certs --client-certs`). */
    public void regenerate() throws IOException {
        makeCa();
        makeClient();
    }

    private boolean valid(Path cert) throws IOException {
        if (!Files.exists(cert)) {
            return false;
        }
        return PemFiles.readCertificate(cert).getNotAfter().toInstant().isAfter(clock.instant().plus(RENEW_BEFORE));
    }

    private void makeCa() throws IOException {
        KeyPair keys = newKeyPair();
        X500Name name = name("jmachine CA");
        X509Certificate ca = sign(name, keys, name, keys.getPublic(), builder -> {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        });
        Files.createDirectories(certsDir);
        PemFiles.writePrivateKey(caKey(), keys.getPrivate());
        PemFiles.writeCertificate(caCert(), ca);
    }

    private void makeClient() throws IOException {
        KeyPair keys = newKeyPair();
        X509Certificate client = signedByCa(name("jmachine client"), keys, builder -> {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
        });
        PemFiles.writePrivateKey(clientKey(), keys.getPrivate());
        PemFiles.writeCertificate(clientCert(), client);
    }

    /**
     * A server certificate for an engine, valid for every address in {@code addresses} plus 127.0.0.1 and
     * localhost (clients on the host itself, and forwarded ports).
     */
    public void issueServerCertificate(String machineName, List<String> addresses, Path certFile, Path keyFile) throws IOException {
        List<String> sans = serverSans(addresses);
        KeyPair keys = newKeyPair();
        GeneralNames names = new GeneralNames(sans.stream().map(CertificateAuthority::generalName).toArray(GeneralName[]::new));
        X509Certificate server = signedByCa(name(machineName), keys, builder -> {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            builder.addExtension(Extension.subjectAlternativeName, false, names);
        });
        PemFiles.writePrivateKey(keyFile, keys.getPrivate());
        PemFiles.writeCertificate(certFile, server);
    }

    /** The SANs a server certificate gets for these addresses, without duplicates, in order. */
    public static List<String> serverSans(List<String> addresses) {
        Set<String> sans = new LinkedHashSet<>();
        for (String address : addresses) {
            if (address != null && !address.isBlank()) {
                sans.add(address.startsWith("[") ? address.substring(1, address.length() - 1) : address);
            }
        }
        sans.add("127.0.0.1");
        sans.add("localhost");
        return new ArrayList<>(sans);
    }

    private static GeneralName generalName(String san) {
        boolean ip = IPV4.matcher(san).matches() || san.contains(":");
        if (ip) {
            try {
                // a literal: no name lookup happens
                InetAddress.getByName(san);
            } catch (IOException e) {
                throw new IllegalArgumentException("not an IP address: " + san, e);
            }
            return new GeneralName(GeneralName.iPAddress, san);
        }
        return new GeneralName(GeneralName.dNSName, san);
    }

    private X500Name name(String commonName) {
        return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, organization).addRDN(BCStyle.CN, commonName).build();
    }

    private interface Extensions {
        void add(X509v3CertificateBuilder builder) throws CertIOException;
    }

    private X509Certificate signedByCa(X500Name subject, KeyPair keys, Extensions extensions) throws IOException {
        X509Certificate ca = PemFiles.readCertificate(caCert());
        PrivateKey caKey = PemFiles.readPrivateKey(caKey());
        X500Name issuer = X500Name.getInstance(ca.getSubjectX500Principal().getEncoded());
        return sign(issuer, new KeyPair(ca.getPublicKey(), caKey), subject, keys.getPublic(), builder -> {
            try {
                builder.addExtension(Extension.authorityKeyIdentifier, false,
                        new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(ca));
            } catch (GeneralSecurityException e) {
                throw new CertIOException("cannot identify the CA's key", e);
            }
            extensions.add(builder);
        });
    }

    private X509Certificate sign(X500Name issuer, KeyPair issuerKeys, X500Name subject, java.security.PublicKey subjectKey,
                                 Extensions extensions) throws IOException {
        Instant now = clock.instant();
        try {
            // a little back-dating absorbs clock skew between this client and a freshly booted guest
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer, new BigInteger(127, Serials.RANDOM),
                    Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(VALIDITY)), subject, subjectKey);
            builder.addExtension(Extension.subjectKeyIdentifier, false, new JcaX509ExtensionUtils().createSubjectKeyIdentifier(subjectKey));
            extensions.add(builder);
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate())));
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IOException("cannot sign a certificate for " + subject + ": " + e.getMessage(), e);
        }
    }

    private static KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec(CURVE));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this Java has no EC P-256 key generator", e);
        }
    }
}
