package dev.fangxin.adapters.ecr;

import dev.fangxin.adapters.testing.PtyPair;
import dev.fangxin.adapters.testing.TerminalSimulatorPipe;
import dev.fangxin.adapters.transport.Transport;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * {@link PaymentTerminalScenarios} over a real kernel pseudo-terminal pair (socat): the ECR opens
 * one end and the simulator the other, each as plain files, through a tiny test-local transport
 * (not the serial transport).
 */
class PaymentTerminalPtyTest extends PaymentTerminalScenarios {
  private PtyPair pty;

  /** A transport over a pty device opened as files. */
  static Transport openPty(String path) {
    try {
      FileOutputStream out = new FileOutputStream(path);
      FileInputStream in = new FileInputStream(path);
      return TerminalSimulatorPipe.overStreams(in, out, "pty " + path);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  Transport[] connect() {
    PtyPair.assumeAvailable();
    pty = PtyPair.open();
    return new Transport[] {openPty(pty.a()), openPty(pty.b())};
  }

  @Override
  void disconnect() {
    if (pty != null) {
      pty.close();
    }
  }
}
