package dev.fangxin.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fangxin.core.code.MerchantLink;
import dev.fangxin.core.key.TerminalPublicKey;
import dev.fangxin.core.qr.QrImageDecoder;
import dev.fangxin.core.token.TokenException;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.rendering.ImageType;
import org.apache.pdfbox.rendering.PDFRenderer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fangxin sticker} end to end: a new identity, a signed code, three files that agree. */
class StickerCommandTest {
  @TempDir Path dir;

  @BeforeAll
  static void font() {
    StickerTest.font();
  }

  @Test
  void aNewIdentitySignsACodeThatEveryFormatCarries() throws Exception {
    Path pw = dir.resolve("pw.txt");
    Files.writeString(pw, "correct horse battery staple\n");
    Path out = dir.resolve("sticker");
    CliTest.Result r =
        CliTest.run(
            "sticker",
            "--merchant-name",
            "放心小馆 Fangxin Bistro",
            "--identity",
            dir.resolve("code.p12").toString(),
            "--create",
            "--password-file",
            pw.toString(),
            "--base",
            "https://fx.example.cn",
            "--out",
            out.toString());
    assertThat(r.status()).as(r.out() + r.err()).isZero();
    assertThat(r.out()).contains("-----BEGIN PUBLIC KEY-----").contains("cc:<code id>");
    TerminalPublicKey key =
        TerminalPublicKey.fromPem(Files.readString(dir.resolve("code.pub.pem")));

    String fromPng = QrImageDecoder.decode(out.resolve("sticker.png"));
    assertThat(fromPng).startsWith("HTTPS://FX.EXAMPLE.CN/M/");
    assertThat(r.out()).contains(fromPng);
    MerchantLink link = MerchantLink.parse(fromPng);
    link.code().verify(key);
    assertThat(link.code().claim().keyId()).isEqualTo(key.keyId());
    if (CliTest.onPath("zbarimg") || "true".equals(System.getenv("CI"))) {
      CliTest.requireTool("zbarimg");
      assertThat(
              CliTest.exec(
                      List.of("zbarimg", "--raw", "-q", out.resolve("sticker.png").toString()), 0)
                  .strip())
          .isEqualTo(fromPng);
    }

    try (PDDocument doc = Loader.loadPDF(out.resolve("sticker.pdf").toFile())) {
      BufferedImage page = new PDFRenderer(doc).renderImageWithDPI(0, 300, ImageType.RGB);
      ByteArrayOutputStream png = new ByteArrayOutputStream();
      ImageIO.write(page, "png", png);
      assertThat(QrImageDecoder.decode(png.toByteArray())).isEqualTo(fromPng);
    }
    assertThat(Files.readString(out.resolve("sticker.svg"))).contains("放心消费");

    // Another key does not verify the code.
    TerminalPublicKey other =
        dev.fangxin.core.key.TerminalKeyPair.generate(
                dev.fangxin.core.key.SignatureAlgorithm.SM2_SM3)
            .publicKey();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> link.code().verify(other))
        .isInstanceOf(TokenException.class);

    // The same identity signs again without --create; --formats picks the files.
    Path again = dir.resolve("again");
    CliTest.Result r2 =
        CliTest.run(
            "sticker",
            "--merchant-name",
            "Tea House",
            "--identity",
            dir.resolve("code.p12").toString(),
            "--password-file",
            pw.toString(),
            "--formats",
            "svg",
            "--out",
            again.toString());
    assertThat(r2.status()).as(r2.out() + r2.err()).isZero();
    assertThat(again.resolve("sticker.svg")).isRegularFile();
    assertThat(again.resolve("sticker.png")).doesNotExist();
  }

  @Test
  void badInputIsOneLineAndExitTwo() throws Exception {
    Path pw = dir.resolve("pw.txt");
    Files.writeString(pw, "pw\n");
    CliTest.Result format =
        CliTest.run(
            "sticker",
            "--merchant-name",
            "X",
            "--identity",
            dir.resolve("c.p12").toString(),
            "--create",
            "--password-file",
            pw.toString(),
            "--formats",
            "gif");
    assertThat(format.status()).isEqualTo(2);
    assertThat(format.err()).contains("unknown format 'gif'");
    CliTest.Result font =
        CliTest.run(
            "sticker",
            "--merchant-name",
            "X",
            "--identity",
            dir.resolve("d.p12").toString(),
            "--create",
            "--password-file",
            pw.toString(),
            "--font",
            dir.resolve("missing.ttf").toString(),
            "--out",
            dir.resolve("o").toString());
    assertThat(font.status()).isEqualTo(2);
    assertThat(font.err()).contains("--font: no such file");
  }
}
