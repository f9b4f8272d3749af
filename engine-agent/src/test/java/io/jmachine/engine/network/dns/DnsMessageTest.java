package io.jmachine.engine.network.dns;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DnsMessageTest {

    @Test
    void readsTheQuestionOfAQuery() throws Exception {
        byte[] packet = DnsQueries.query(0x1234, "Srv.AccNet", DnsMessage.TYPE_A);
        DnsMessage query = DnsMessage.parseQuery(packet, packet.length);
        assertEquals(0x1234, query.id());
        assertEquals("srv.accnet", query.name(), "names compare case-insensitively");
        assertEquals(DnsMessage.TYPE_A, query.type());
        assertEquals(DnsMessage.CLASS_IN, query.qclass());
    }

    @Test
    void anAnswerEchoesIdQuestionAndRecursionDesiredAndCarriesOneRecordPerAddress() throws Exception {
        byte[] packet = DnsQueries.query(7, "web", DnsMessage.TYPE_A);
        byte[] answer = DnsMessage.parseQuery(packet, packet.length).answer(List.of(new byte[] {10, 1, 2, 3}, new byte[] {10, 9, 8, 7}), 600);
        assertEquals(7, DnsQueries.id(answer));
        assertEquals(0x85, answer[2] & 0xFF, "QR, AA and RD");
        assertEquals(0x80, answer[3] & 0xFF, "RA and NOERROR");
        assertEquals(2, DnsQueries.answerCount(answer));
        assertArrayEquals(Arrays.copyOfRange(packet, 12, packet.length), Arrays.copyOfRange(answer, 12, packet.length));
        assertEquals(List.of("10.1.2.3", "10.9.8.7"), DnsQueries.addresses(answer));
    }

    @Test
    void errorsCarryTheirCodeAndNoRecords() throws Exception {
        byte[] packet = DnsQueries.query(9, "nowhere", DnsMessage.TYPE_A);
        byte[] answer = DnsMessage.parseQuery(packet, packet.length).error(DnsMessage.NXDOMAIN);
        assertEquals(DnsMessage.NXDOMAIN, DnsMessage.rcodeOf(answer));
        assertEquals(0, DnsQueries.answerCount(answer));
        assertEquals(9, DnsQueries.id(answer));
    }

    @Test
    void malformedQueriesAreRefusedWithWhatCanBeKnown() {
        assertEquals(-1, assertThrows(DnsMessage.MalformedException.class, () -> DnsMessage.parseQuery(new byte[5], 5)).id());
        byte[] packet = DnsQueries.query(42, "web", DnsMessage.TYPE_A);
        // cut inside the question
        assertEquals(42, assertThrows(DnsMessage.MalformedException.class, () -> DnsMessage.parseQuery(packet, 15)).id());
        byte[] answerFlag = packet.clone();
        answerFlag[2] |= (byte) 0x80;
        assertThrows(DnsMessage.MalformedException.class, () -> DnsMessage.parseQuery(answerFlag, answerFlag.length));
        byte[] compressed = packet.clone();
        compressed[12] = (byte) 0xC0;
        assertThrows(DnsMessage.MalformedException.class, () -> DnsMessage.parseQuery(compressed, compressed.length));
        byte[] header = DnsMessage.headerOnlyError(42, DnsMessage.FORMERR);
        assertEquals(12, header.length);
        assertEquals(DnsMessage.FORMERR, DnsMessage.rcodeOf(header));
    }
}
