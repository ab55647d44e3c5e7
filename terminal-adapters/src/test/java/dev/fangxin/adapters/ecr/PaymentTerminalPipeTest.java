package dev.fangxin.adapters.ecr;

import dev.fangxin.adapters.testing.TerminalSimulatorPipe;
import dev.fangxin.adapters.transport.Transport;

/** {@link PaymentTerminalScenarios} over an in-memory pipe. */
class PaymentTerminalPipeTest extends PaymentTerminalScenarios {
  @Override
  Transport[] connect() {
    TerminalSimulatorPipe pipe = TerminalSimulatorPipe.open();
    return new Transport[] {pipe.ecrEnd(), pipe.terminalEnd()};
  }
}
