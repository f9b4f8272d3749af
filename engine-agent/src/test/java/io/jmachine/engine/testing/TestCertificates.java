package io.jmachine.engine.testing;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;

/** A throwaway CA with a server certificate for 127.0.0.1/localhost and a client certificate, as PEM files. */
public record TestCertificates(Path ca, Path serverCert, Path serverKey, Path clientDir) {

    public static TestCertificates create(Path dir) throws Exception {
        KeyPair caKeys = ecKeys();
        X509CertificateHolder ca = sign(new X500Name("CN=jmachine test CA"), caKeys, new X500Name("CN=jmachine test CA"), caKeys, true, null, null);
        KeyPair serverKeys = ecKeys();
        X509CertificateHolder server = sign(new X500Name("CN=jmachine test CA"), caKeys, new X500Name("CN=localhost"), serverKeys, false,
                KeyPurposeId.id_kp_serverAuth, new GeneralNames(new GeneralName[] {
                        new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.dNSName, "localhost")}));
        KeyPair clientKeys = ecKeys();
        X509CertificateHolder client = sign(new X500Name("CN=jmachine test CA"), caKeys, new X500Name("CN=client"), clientKeys, false,
                KeyPurposeId.id_kp_clientAuth, null);

        Files.createDirectories(dir);
        Path clientDir = Files.createDirectories(dir.resolve("client"));
        write(dir.resolve("ca.pem"), pem("CERTIFICATE", ca.getEncoded()));
        write(dir.resolve("server.pem"), pem("CERTIFICATE", server.getEncoded()));
        write(dir.resolve("server-key.pem"), pem("PRIVATE KEY", serverKeys.getPrivate().getEncoded()));
        write(clientDir.resolve("ca.pem"), pem("CERTIFICATE", ca.getEncoded()));
        write(clientDir.resolve("cert.pem"), pem("CERTIFICATE", client.getEncoded()));
        write(clientDir.resolve("key.pem"), pem("PRIVATE KEY", clientKeys.getPrivate().getEncoded()));
        return new TestCertificates(dir.resolve("ca.pem"), dir.resolve("server.pem"), dir.resolve("server-key.pem"), clientDir);
    }

    private static KeyPair ecKeys() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    private static X509CertificateHolder sign(X500Name issuer, KeyPair issuerKeys, X500Name subject, KeyPair subjectKeys,
                                              boolean isCa, KeyPurposeId purpose, GeneralNames sans) throws Exception {
        Instant now = Instant.now();
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(now.toEpochMilli()),
                Date.from(now.minus(1, ChronoUnit.HOURS)), Date.from(now.plus(1, ChronoUnit.DAYS)), subject, subjectKeys.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
        if (isCa) {
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        } else {
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
        }
        if (sans != null) {
            builder.addExtension(Extension.subjectAlternativeName, false, sans);
        }
        return builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate()));
    }

    private static String pem(String type, byte[] der) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(new PemObject(type, der));
        }
        return out.toString();
    }

    private static void write(Path file, String text) throws IOException {
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    }
}
