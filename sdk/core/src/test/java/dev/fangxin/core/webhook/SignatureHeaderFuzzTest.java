package dev.fangxin.core.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Random and mutated {@code webhook-signature} headers, from fixed seeds. */
class SignatureHeaderFuzzTest {
  private static final Instant NOW = Instant.ofEpochSecond(1_767_225_600L);
  private static final byte[] BODY = "{\"n\":1}".getBytes(StandardCharsets.UTF_8);
  private static final String ALPHABET =
      "v1a2,,,   ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/==-_.\t\u00e9\u4e2d";

  private static SecureRandom seeded(int seed) {
    try {
      SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
      random.setSeed(seed);
      return random;
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void mutatedHeadersPassOnlyWithTheGenuineEntryIntact() {
    WebhookSecret secret = WebhookSecret.generate(seeded(10));
    WebhookSigningKey key = WebhookSigningKey.generate(seeded(11));
    WebhookHeaders h =
        WebhookSigner.builder().addSecret(secret).signingKey(key).build().sign("m", NOW, BODY);
    String[] genuine = h.signature().split(" ");
    WebhookVerifier verifier =
        WebhookVerifier.builder()
            .addSecret(secret)
            .addPublicKey(key.publicKey())
            .clock(Clock.fixed(NOW, ZoneOffset.UTC))
            .build();
    Random random = new Random(20260101L);
    int passed = 0;
    for (int round = 0; round < 3000; round++) {
      StringBuilder header = new StringBuilder(h.signature());
      int edits = 1 + random.nextInt(4);
      for (int e = 0; e < edits; e++) {
        int at = random.nextInt(header.length() + 1);
        char c = ALPHABET.charAt(random.nextInt(ALPHABET.length()));
        switch (random.nextInt(3)) {
          case 0:
            header.insert(at, c);
            break;
          case 1:
            if (at < header.length()) {
              header.deleteCharAt(at);
            }
            break;
          default:
            if (at < header.length()) {
              header.setCharAt(at, c);
            }
        }
      }
      String mutated = header.toString();
      boolean ok;
      try {
        verifier.verify(h.id(), h.timestamp(), mutated, BODY);
        ok = true;
      } catch (WebhookException e) {
        ok = false;
        assertThat(e.reasonCode())
            .as(mutated)
            .isIn(
                WebhookException.Reason.MALFORMED_SIGNATURE,
                WebhookException.Reason.NO_MATCHING_SIGNATURE,
                WebhookException.Reason.MISSING_HEADER);
      }
      List<String> tokens = Arrays.asList(mutated.split(" +"));
      boolean intact = tokens.contains(genuine[0]) || tokens.contains(genuine[1]);
      if (ok) {
        passed++;
        assertThat(intact).as(mutated).isTrue();
      }
    }
    // Some mutations only touch one entry (or add spaces) and must still pass.
    assertThat(passed).isGreaterThan(100);
  }

  @Test
  void randomHeadersNeverThrowAnythingElse() {
    WebhookSecret secret = WebhookSecret.generate(seeded(12));
    WebhookVerifier verifier =
        WebhookVerifier.builder().addSecret(secret).clock(Clock.fixed(NOW, ZoneOffset.UTC)).build();
    Random random = new Random(7L);
    for (int round = 0; round < 3000; round++) {
      int length = random.nextInt(200);
      StringBuilder header = new StringBuilder();
      for (int i = 0; i < length; i++) {
        header.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
      }
      String text = header.toString();
      try {
        verifier.verify("m", Long.toString(NOW.getEpochSecond()), text, BODY);
        throw new AssertionError("a random header verified: " + text);
      } catch (WebhookException e) {
        assertThat(e.getMessage()).doesNotContain(secret.encoded().substring(6));
      }
    }
  }

  @Test
  void wellFormedEntryListsParseBack() {
    Random random = new Random(42L);
    String[] versions = {"v1", "v1a", "v2", "V9", "x"};
    for (int round = 0; round < 2000; round++) {
      int count = 1 + random.nextInt(6);
      List<String> tokens = new ArrayList<>();
      StringBuilder header = new StringBuilder(" ".repeat(random.nextInt(3)));
      for (int i = 0; i < count; i++) {
        byte[] value = new byte[1 + random.nextInt(70)];
        random.nextBytes(value);
        String token =
            versions[random.nextInt(versions.length)]
                + ","
                + java.util.Base64.getEncoder().encodeToString(value);
        tokens.add(token);
        header.append(token).append(" ".repeat(1 + random.nextInt(3)));
      }
      List<SignatureEntry> entries = SignatureEntry.parseHeader(header.toString());
      List<String> back = new ArrayList<>();
      for (SignatureEntry entry : entries) {
        back.add(entry.version() + "," + entry.value());
      }
      assertThat(back).isEqualTo(tokens);
    }
  }
}
