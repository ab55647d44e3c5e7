package dev.fangxin.core.identity;

import static java.util.Objects.requireNonNull;

import dev.fangxin.core.key.KeyException;
import dev.fangxin.core.key.KeyId;
import dev.fangxin.core.key.Pem;
import dev.fangxin.core.key.SignatureAlgorithm;
import dev.fangxin.core.key.TerminalKeyPair;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.pkcs.PKCS10CertificationRequestBuilder;

/**
 * A terminal's signing keys, kept in one password-protected PKCS#12 file.
 *
 * <h2>File format</h2>
 *
 * A PKCS#12 store written by Bouncy Castle's PKCS12 key store ({@code PKCS12-3DES-3DES}: keys and
 * certificates encrypted with pbeWithSHA1And3-KeyTripleDES-CBC, integrity by HMAC-SHA1; OpenSSL 3
 * reads it with {@code openssl pkcs12 -in file -info}, no {@code -legacy} needed). One entry per
 * key, alias = the key's {@link KeyId} in hex, protected by the store password. Each private key
 * carries a self-signed X.509 v3 certificate (PKCS#12 needs one): subject = issuer = {@code
 * CN=<common name>}, validity from its creation second to 9999-12-31T23:59:59Z, signed by the key
 * itself (SM3withSM2, ecdsa-with-SHA256 or Ed25519), and <b>serial number = generation</b>: 1 for
 * the key made by {@link #create}, one more than the highest existing serial for each {@link
 * #rotate}.
 *
 * <p><b>Current key</b>: the entry whose certificate has the highest serial number (ties, which
 * only foreign files can have, are broken by the later notBefore, then by alias). This survives
 * reloading because it is read from the certificates, not from alias order, which PKCS#12 does not
 * keep. Retired keys stay in the file so that old receipts can still be verified and reprinted.
 *
 * <p><b>Writes</b> are atomic and durable: the new store is written to a temporary file in the same
 * directory (created with owner-only permissions where POSIX permissions exist), forced to disk,
 * renamed over the target with {@link StandardCopyOption#ATOMIC_MOVE} (for {@link #create},
 * hard-linked so that an existing file is never replaced), and the directory is forced to disk
 * (except on Windows, which cannot open a directory). A crash leaves either the old or the new
 * file. One process should own an identity file: {@link #rotate} writes the keys this object holds,
 * over any change another process made since it was loaded.
 *
 * <p><b>Password</b>: the caller's array is never retained; the caller may wipe it as soon as
 * {@link #create} or {@link #load} returns. This object keeps a private copy because {@link
 * #rotate} must re-encrypt the file; {@link #close()} overwrites that copy with zeros, after which
 * {@link #rotate} throws {@link IllegalStateException} while the keys stay usable.
 *
 * <p><b>Threading</b>: safe for concurrent use. Key pairs are immutable; {@link #keys()} returns an
 * immutable snapshot; {@link #rotate} and {@link #close()} are synchronized, and readers see either
 * the key list before a rotation or the one after it.
 */
public final class TerminalIdentity implements AutoCloseable {
  /** Identity files larger than this are refused as {@link IdentityException.Reason#UNREADABLE}. */
  static final int MAX_FILE_SIZE = 1024 * 1024;

  private static final String WRITE_TYPE = "PKCS12-3DES-3DES";
  private static final String READ_TYPE = "PKCS12";
  private static final int MAX_COMMON_NAME = 64;
  private static final Date NOT_AFTER = Date.from(Instant.parse("9999-12-31T23:59:59Z"));

  /** A key, its certificate and its generation. Immutable. */
  private static final class Entry {
    final TerminalKeyPair key;
    final X509Certificate certificate;

    Entry(TerminalKeyPair key, X509Certificate certificate) {
      this.key = key;
      this.certificate = certificate;
    }

    BigInteger serial() {
      return certificate.getSerialNumber();
    }
  }

  private static final Comparator<Entry> NEWEST_FIRST =
      Comparator.comparing(Entry::serial)
          .thenComparing(e -> e.certificate.getNotBefore())
          .thenComparing(e -> e.key.keyId().toHex())
          .reversed();

  private final Path file;
  private char[] password; // guarded by this; null once closed
  private volatile List<Entry> entries; // newest first, immutable, never empty

  private TerminalIdentity(Path file, char[] password, List<Entry> entries) {
    this.file = file;
    this.password = password;
    this.entries = entries;
  }

  /**
   * Creates a new identity file holding one freshly generated key of {@code algorithm}, with a
   * self-signed certificate for {@code CN=commonName}. The password protects the whole file.
   *
   * @param commonName 1 to 64 characters, no control characters
   * @throws IdentityException {@link IdentityException.Reason#ALREADY_EXISTS} if {@code file}
   *     exists (it is never overwritten); {@link IdentityException.Reason#IO} if it cannot be
   *     written, for example because its directory does not exist
   */
  public static TerminalIdentity create(
      Path file, char[] password, SignatureAlgorithm algorithm, String commonName) {
    requireNonNull(file, "file == null");
    requireNonNull(password, "password == null");
    requireNonNull(algorithm, "algorithm == null");
    requireNonNull(commonName, "commonName == null");
    checkCommonName(commonName);
    if (Files.exists(file)) {
      throw alreadyExists(file);
    }
    TerminalKeyPair key = TerminalKeyPair.generate(algorithm);
    X509Certificate cert = selfSigned(key, commonName(commonName), BigInteger.ONE);
    List<Entry> entries = List.of(new Entry(key, cert));
    char[] copy = password.clone();
    try {
      writeAtomically(file, encode(entries, copy), true);
    } catch (RuntimeException e) {
      Arrays.fill(copy, '\0');
      throw e;
    }
    return new TerminalIdentity(file, copy, entries);
  }

  /**
   * Opens an existing identity file.
   *
   * @throws IdentityException {@link IdentityException.Reason#NOT_FOUND} if there is no such file;
   *     {@link IdentityException.Reason#WRONG_PASSWORD} if the password does not open it; {@link
   *     IdentityException.Reason#UNREADABLE} if it is not a (complete) PKCS#12 store or an entry
   *     lacks its certificate; {@link IdentityException.Reason#NO_KEYS} if it holds no private key;
   *     {@link IdentityException.Reason#UNSUPPORTED_KEY} if a key is not SM2, P-256 or Ed25519;
   *     {@link IdentityException.Reason#IO} if reading fails
   */
  public static TerminalIdentity load(Path file, char[] password) {
    requireNonNull(file, "file == null");
    requireNonNull(password, "password == null");
    byte[] bytes = read(file);
    char[] copy = password.clone();
    try {
      return new TerminalIdentity(file, copy, readEntries(file, bytes, copy));
    } catch (RuntimeException e) {
      Arrays.fill(copy, '\0');
      throw e;
    }
  }

  private static List<Entry> readEntries(Path file, byte[] bytes, char[] password) {
    KeyStore store;
    try {
      store = KeyStore.getInstance(READ_TYPE, Bc.PROVIDER);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Bouncy Castle has no PKCS12 key store", e);
    }
    try (InputStream in = new ByteArrayInputStream(bytes)) {
      store.load(in, password);
    } catch (IOException e) {
      // Bouncy Castle reports a failed integrity MAC as an IOException caused by an
      // UnrecoverableKeyException; every other IOException is a parse failure.
      if (e.getCause() instanceof UnrecoverableKeyException) {
        throw wrongPassword(file, e);
      }
      throw unreadable(file, e);
    } catch (GeneralSecurityException | RuntimeException e) {
      throw unreadable(file, e);
    }
    List<Entry> entries = new ArrayList<>();
    try {
      for (String alias : Collections.list(store.aliases())) {
        if (store.isKeyEntry(alias)) {
          entries.add(readEntry(file, store, alias, password));
        }
      }
    } catch (GeneralSecurityException e) {
      throw unreadable(file, e);
    }
    if (entries.isEmpty()) {
      throw new IdentityException(
          IdentityException.Reason.NO_KEYS,
          "The identity file " + file + " holds no private key; expected at least one.");
    }
    entries.sort(NEWEST_FIRST);
    return List.copyOf(entries);
  }

  private static Entry readEntry(Path file, KeyStore store, String alias, char[] password)
      throws GeneralSecurityException {
    Key key;
    try {
      key = store.getKey(alias, password);
    } catch (UnrecoverableKeyException e) {
      throw wrongPassword(file, e);
    }
    if (!(key instanceof PrivateKey) || key.getEncoded() == null) {
      throw new IdentityException(
          IdentityException.Reason.UNSUPPORTED_KEY,
          "Entry \"" + alias + "\" of " + file + " is not an exportable private key.");
    }
    TerminalKeyPair pair;
    byte[] pkcs8 = key.getEncoded();
    try {
      pair = TerminalKeyPair.fromPkcs8(pkcs8);
    } catch (KeyException e) {
      throw new IdentityException(
          IdentityException.Reason.UNSUPPORTED_KEY,
          "Entry \"" + alias + "\" of " + file + " holds an unusable key: " + e.getMessage(),
          e);
    } finally {
      Arrays.fill(pkcs8, (byte) 0);
    }
    Certificate cert = store.getCertificate(alias);
    if (!(cert instanceof X509Certificate)) {
      throw new IdentityException(
          IdentityException.Reason.UNREADABLE,
          "Entry \"" + alias + "\" of " + file + " has no X.509 certificate.");
    }
    byte[] certSpki;
    try {
      certSpki =
          new X509CertificateHolder(cert.getEncoded()).getSubjectPublicKeyInfo().getEncoded("DER");
    } catch (IOException e) {
      throw unreadable(file, e);
    }
    if (!Arrays.equals(certSpki, pair.publicKey().spki())) {
      throw new IdentityException(
          IdentityException.Reason.UNREADABLE,
          "The certificate of entry \"" + alias + "\" of " + file + " is not for its key.");
    }
    return new Entry(pair, (X509Certificate) cert);
  }

  /** The identity file. */
  public Path file() {
    return file;
  }

  /** The key that signs new transactions: the newest one. */
  public TerminalKeyPair current() {
    return entries.get(0).key;
  }

  /** Every key in the file, newest first (so {@code keys().get(0)} is {@link #current()}). */
  public List<TerminalKeyPair> keys() {
    List<Entry> snapshot = entries;
    List<TerminalKeyPair> keys = new ArrayList<>(snapshot.size());
    for (Entry e : snapshot) {
      keys.add(e.key);
    }
    return Collections.unmodifiableList(keys);
  }

  /** The key with this ID, current or retired. */
  public Optional<TerminalKeyPair> find(KeyId keyId) {
    requireNonNull(keyId, "keyId == null");
    for (Entry e : entries) {
      if (e.key.keyId().equals(keyId)) {
        return Optional.of(e.key);
      }
    }
    return Optional.empty();
  }

  /**
   * Generates a new key of {@code algorithm}, makes it {@link #current()} and saves the file. The
   * new certificate has the current certificate's subject and the next serial number. Earlier keys
   * are kept. If saving fails nothing changes, in memory or on disk.
   *
   * @throws IdentityException {@link IdentityException.Reason#IO} if the file cannot be written
   * @throws IllegalStateException after {@link #close()}
   */
  public synchronized TerminalKeyPair rotate(SignatureAlgorithm algorithm) {
    requireNonNull(algorithm, "algorithm == null");
    if (password == null) {
      throw new IllegalStateException("This identity was closed; load it again to rotate keys.");
    }
    List<Entry> old = entries;
    TerminalKeyPair key;
    do {
      key = TerminalKeyPair.generate(algorithm);
    } while (find(key.keyId()).isPresent());
    BigInteger serial =
        old.stream().map(Entry::serial).max(BigInteger::compareTo).get().add(BigInteger.ONE);
    X500Name subject =
        X500Name.getInstance(old.get(0).certificate.getSubjectX500Principal().getEncoded());
    List<Entry> updated = new ArrayList<>(old.size() + 1);
    updated.add(new Entry(key, selfSigned(key, subject, serial)));
    updated.addAll(old);
    writeAtomically(file, encode(updated, password), false);
    entries = List.copyOf(updated);
    return key;
  }

  /**
   * A PKCS#10 certification request for {@link #current()}, signed by it (SM3withSM2 with user ID
   * 1234567812345678, ecdsa-with-SHA256 or Ed25519), as a {@code -----BEGIN CERTIFICATE
   * REQUEST-----} PEM block. Verify with {@code openssl req -in csr.pem -noout -verify}, adding
   * {@code -vfyopt distid:1234567812345678} for SM2.
   *
   * @param subjectDn an RFC 4514 style name such as {@code "CN=T0001,O=Example Shop,C=CN"}
   * @throws IdentityException {@link IdentityException.Reason#INVALID_SUBJECT} if the name cannot
   *     be parsed or is empty
   */
  public String certificationRequestPem(String subjectDn) {
    requireNonNull(subjectDn, "subjectDn == null");
    X500Name subject;
    try {
      subject = new X500Name(BCStyle.INSTANCE, subjectDn);
    } catch (IllegalArgumentException e) {
      throw new IdentityException(
          IdentityException.Reason.INVALID_SUBJECT,
          "\""
              + subjectDn
              + "\" is not a distinguished name such as \"CN=T0001,O=Shop,C=CN\": "
              + e.getMessage(),
          e);
    }
    if (subject.getRDNs().length == 0) {
      throw new IdentityException(
          IdentityException.Reason.INVALID_SUBJECT,
          "The subject distinguished name is empty; expected for example \"CN=T0001\".");
    }
    TerminalKeyPair key = current();
    try {
      byte[] der =
          new PKCS10CertificationRequestBuilder(
                  subject, SubjectPublicKeyInfo.getInstance(key.publicKey().spki()))
              .build(new KeyContentSigner(key))
              .getEncoded();
      return Pem.encode("CERTIFICATE REQUEST", der);
    } catch (IOException e) {
      throw new IllegalStateException("DER encoding of a certification request failed", e);
    }
  }

  /**
   * Overwrites this object's copy of the password with zeros. Keys stay usable; {@link #rotate}
   * then throws {@link IllegalStateException}. Idempotent.
   */
  @Override
  public synchronized void close() {
    if (password != null) {
      Arrays.fill(password, '\0');
      password = null;
    }
  }

  /** For example {@code TerminalIdentity{file=/data/t.p12, current=0123456789abcdef, keys=2}}. */
  @Override
  public String toString() {
    List<Entry> snapshot = entries;
    return "TerminalIdentity{file="
        + file
        + ", current="
        + snapshot.get(0).key.keyId()
        + ", keys="
        + snapshot.size()
        + "}";
  }

  // --- certificates and encoding ---

  private static void checkCommonName(String commonName) {
    if (commonName.isEmpty() || commonName.length() > MAX_COMMON_NAME) {
      throw new IllegalArgumentException(
          "commonName must be 1 to " + MAX_COMMON_NAME + " characters: \"" + commonName + "\"");
    }
    for (int i = 0; i < commonName.length(); i++) {
      if (Character.isISOControl(commonName.charAt(i))) {
        throw new IllegalArgumentException(
            "commonName has a control character at index " + i + ": \"" + commonName + "\"");
      }
    }
  }

  private static X500Name commonName(String commonName) {
    return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
  }

  private static X509Certificate selfSigned(TerminalKeyPair key, X500Name name, BigInteger serial) {
    Date notBefore = Date.from(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    X509CertificateHolder holder =
        new X509v3CertificateBuilder(
                name,
                serial,
                notBefore,
                NOT_AFTER,
                name,
                SubjectPublicKeyInfo.getInstance(key.publicKey().spki()))
            .build(new KeyContentSigner(key));
    try {
      return new JcaX509CertificateConverter().setProvider(Bc.PROVIDER).getCertificate(holder);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Bouncy Castle could not read its own certificate", e);
    }
  }

  private static byte[] encode(List<Entry> entries, char[] password) {
    try {
      KeyStore store = KeyStore.getInstance(WRITE_TYPE, Bc.PROVIDER);
      store.load(null, null);
      for (Entry e : entries) {
        store.setKeyEntry(
            e.key.keyId().toHex(), toJca(e.key), password, new Certificate[] {e.certificate});
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      store.store(out, password);
      return out.toByteArray();
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("Bouncy Castle could not encode the PKCS#12 store", e);
    }
  }

  private static PrivateKey toJca(TerminalKeyPair key) throws GeneralSecurityException {
    String algorithm = key.algorithm() == SignatureAlgorithm.ED25519 ? "Ed25519" : "EC";
    byte[] pkcs8 = key.toPkcs8();
    try {
      return KeyFactory.getInstance(algorithm, Bc.PROVIDER)
          .generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
    } finally {
      Arrays.fill(pkcs8, (byte) 0);
    }
  }

  // --- files ---

  private static byte[] read(Path file) {
    try {
      long size = Files.size(file);
      if (size > MAX_FILE_SIZE) {
        throw new IdentityException(
            IdentityException.Reason.UNREADABLE,
            "The identity file "
                + file
                + " is "
                + size
                + " bytes; a PKCS#12 identity is at most "
                + MAX_FILE_SIZE
                + " bytes.");
      }
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new IdentityException(
          IdentityException.Reason.NOT_FOUND, "There is no identity file " + file + ".", e);
    } catch (IOException e) {
      throw new IdentityException(
          IdentityException.Reason.IO,
          "The identity file " + file + " could not be read: " + e.getMessage(),
          e);
    }
  }

  private static void writeAtomically(Path file, byte[] data, boolean create) {
    Path dir = file.toAbsolutePath().getParent();
    Path tmp;
    try {
      tmp = Files.createTempFile(dir, "." + file.getFileName() + ".", ".tmp");
    } catch (IOException e) {
      throw io(file, e);
    }
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ByteBuffer buf = ByteBuffer.wrap(data);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
      if (create) {
        publishNew(tmp, file);
      } else {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
      }
      syncDirectory(dir);
    } catch (IOException e) {
      throw io(file, e);
    } finally {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // A left-over temporary file is harmless; the target is already in its final state.
      }
    }
  }

  /** Makes {@code tmp} appear as {@code file} without ever replacing an existing file. */
  private static void publishNew(Path tmp, Path file) throws IOException {
    try {
      Files.createLink(file, tmp);
      return;
    } catch (FileAlreadyExistsException e) {
      throw alreadyExists(file);
    } catch (UnsupportedOperationException | AccessDeniedException e) {
      // Fall through: this file system has no hard links (some Android and FAT volumes).
    } catch (FileSystemException e) {
      if (Files.exists(file)) {
        throw alreadyExists(file);
      }
      // Fall through as above.
    }
    if (Files.exists(file)) {
      throw alreadyExists(file);
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
  }

  private static void syncDirectory(Path dir) throws IOException {
    if (System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows")) {
      return;
    }
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  private static IdentityException alreadyExists(Path file) {
    return new IdentityException(
        IdentityException.Reason.ALREADY_EXISTS,
        "The identity file " + file + " already exists; it is never overwritten by create.");
  }

  private static IdentityException wrongPassword(Path file, Exception cause) {
    return new IdentityException(
        IdentityException.Reason.WRONG_PASSWORD,
        "The password does not open the identity file " + file + ".",
        cause);
  }

  private static IdentityException unreadable(Path file, Exception cause) {
    return new IdentityException(
        IdentityException.Reason.UNREADABLE,
        "The identity file " + file + " is not a readable PKCS#12 store: " + cause.getMessage(),
        cause);
  }

  private static IdentityException io(Path file, IOException cause) {
    return new IdentityException(
        IdentityException.Reason.IO,
        "The identity file " + file + " could not be written: " + cause,
        cause);
  }

  /** One Bouncy Castle provider instance, never registered with {@code Security}. */
  private static final class Bc {
    static final Provider PROVIDER = new BouncyCastleProvider();
  }
}
