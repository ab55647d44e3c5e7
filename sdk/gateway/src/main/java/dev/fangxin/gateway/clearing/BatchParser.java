package dev.fangxin.gateway.clearing;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.fangxin.core.id.InstitutionCode;
import dev.fangxin.core.id.InvalidIdentifierException;
import dev.fangxin.gateway.clearing.ClearingException.FieldError;
import dev.fangxin.gateway.http.JsonBody;
import dev.fangxin.protocol.v1.ClearingBatch;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads and validates a pushed {@code fangxin.v1.ClearingBatch}: binary protobuf ({@value
 * #PROTOBUF}) or its proto3 JSON mapping ({@value #JSON}; field names in {@code snake_case} or
 * {@code lowerCamelCase}, unknown members refused).
 *
 * <p><b>Policy: one bad record rejects the whole batch.</b> Every record is validated and every
 * problem reported ({@code errors: [{index, field, message}]}), and nothing is stored unless all
 * records are valid. Records of an institution other than the signing acquirer are refused with
 * {@code clearing.foreign_institution} (403), also listed by index. Stateless and thread-safe.
 */
public final class BatchParser {
  /** The JSON media type. */
  public static final String JSON = "application/json";

  /** The protobuf media type. */
  public static final String PROTOBUF = "application/x-protobuf";

  /** Most records in one batch. */
  public static final int MAX_RECORDS = 10_000;

  private static final Pattern BATCH_ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

  private BatchParser() {}

  /** A validated batch: its ID, records in order, and SHA-256 of its canonical form. */
  public static final class Parsed {
    private final String batchId;
    private final List<ClearingRecord> records;
    private final byte[] sha256;

    private Parsed(String batchId, List<ClearingRecord> records, byte[] sha256) {
      this.batchId = batchId;
      this.records = List.copyOf(records);
      this.sha256 = sha256;
    }

    /** The batch ID. */
    public String batchId() {
      return batchId;
    }

    /** The records, in batch order. */
    public List<ClearingRecord> records() {
      return records;
    }

    /**
     * SHA-256 of the batch's binary protobuf serialization: the same batch sent as JSON or as
     * protobuf has the same hash.
     */
    public byte[] sha256() {
      return sha256.clone();
    }
  }

  /**
   * Decodes {@code body} by {@code contentType}.
   *
   * @throws ClearingException {@code UNSUPPORTED_MEDIA_TYPE} (415) or {@code MALFORMED_BODY} (400)
   */
  public static ClearingBatch decode(Optional<String> contentType, byte[] body) {
    String type =
        contentType.map(t -> t.split(";", 2)[0].trim().toLowerCase(Locale.ROOT)).orElse("");
    if (type.equals(PROTOBUF)) {
      try {
        return ClearingBatch.parseFrom(body);
      } catch (InvalidProtocolBufferException e) {
        throw new ClearingException(
            ClearingException.Reason.MALFORMED_BODY,
            "The body is not a fangxin.v1.ClearingBatch: " + e.getMessage());
      }
    }
    if (type.equals(JSON) && JsonBody.isJson(contentType.get())) {
      // The shared strict reader first (UTF-8, RFC 8259, no member twice, no NUL, bounded depth),
      // so the push hook refuses exactly what every other JSON route refuses; then the proto3 JSON
      // mapping, which refuses unknown members and wrong types.
      com.google.gson.JsonObject tree;
      try {
        tree = JsonBody.readObject(body);
      } catch (JsonBody.MalformedException e) {
        throw new ClearingException(
            ClearingException.Reason.MALFORMED_BODY,
            "The body is not a strict JSON object: " + e.getMessage());
      }
      String wrong = wrongType(tree, ClearingBatch.getDescriptor(), "");
      if (wrong != null) {
        throw new ClearingException(
            ClearingException.Reason.MALFORMED_BODY,
            "The body is not the JSON form of a fangxin.v1.ClearingBatch: " + wrong);
      }
      String text;
      try {
        text =
            StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(java.nio.ByteBuffer.wrap(body))
                .toString();
      } catch (CharacterCodingException e) {
        throw new ClearingException(
            ClearingException.Reason.MALFORMED_BODY, "The body is not UTF-8.");
      }
      try {
        ClearingBatch.Builder b = ClearingBatch.newBuilder();
        JsonFormat.parser().merge(text, b);
        return b.build();
      } catch (InvalidProtocolBufferException | RuntimeException e) {
        throw new ClearingException(
            ClearingException.Reason.MALFORMED_BODY,
            "The body is not the JSON form of a fangxin.v1.ClearingBatch: " + e.getMessage());
      }
    }
    throw new ClearingException(
        ClearingException.Reason.UNSUPPORTED_MEDIA_TYPE,
        "A clearing batch is "
            + JSON
            + " or "
            + PROTOBUF
            + ", not "
            + (type.isEmpty() ? "a body without Content-Type" : contentType.get())
            + ".");
  }

  /**
   * The first member of {@code o} whose JSON type the proto3 JSON mapping of {@code type} does not
   * allow, described; null if every member's type is right. The mapping's parser would turn a
   * number or a boolean into a string field's text; this check refuses that, as every other JSON
   * route refuses a wrong type. Unknown members are left to the parser (which refuses them).
   */
  static String wrongType(
      com.google.gson.JsonObject o, com.google.protobuf.Descriptors.Descriptor type, String path) {
    for (Map.Entry<String, com.google.gson.JsonElement> m : o.entrySet()) {
      com.google.protobuf.Descriptors.FieldDescriptor f = type.findFieldByName(m.getKey());
      if (f == null) {
        for (com.google.protobuf.Descriptors.FieldDescriptor c : type.getFields()) {
          if (c.getJsonName().equals(m.getKey())) {
            f = c;
          }
        }
      }
      com.google.gson.JsonElement v = m.getValue();
      if (f == null || v.isJsonNull()) {
        continue;
      }
      String name = path + m.getKey();
      if (f.isRepeated()) {
        if (!v.isJsonArray()) {
          return name + " must be an array.";
        }
        int i = 0;
        for (com.google.gson.JsonElement e : v.getAsJsonArray()) {
          String problem = wrongValue(f, e, name + "[" + i++ + "]");
          if (problem != null) {
            return problem;
          }
        }
      } else {
        String problem = wrongValue(f, v, name);
        if (problem != null) {
          return problem;
        }
      }
    }
    return null;
  }

  private static String wrongValue(
      com.google.protobuf.Descriptors.FieldDescriptor f,
      com.google.gson.JsonElement v,
      String name) {
    boolean primitive = v.isJsonPrimitive();
    switch (f.getJavaType()) {
      case MESSAGE:
        return v.isJsonObject()
            ? wrongType(v.getAsJsonObject(), f.getMessageType(), name + ".")
            : name + " must be an object.";
      case STRING:
      case BYTE_STRING:
        return primitive && v.getAsJsonPrimitive().isString() ? null : name + " must be a string.";
      case BOOLEAN:
        return primitive && v.getAsJsonPrimitive().isBoolean()
            ? null
            : name + " must be true or false.";
      case ENUM:
      case INT:
      case LONG:
      case FLOAT:
      case DOUBLE:
        return primitive && !v.getAsJsonPrimitive().isBoolean()
            ? null
            : name + " must be a number or a string.";
      default:
        return null;
    }
  }

  /**
   * Validates {@code batch} as pushed by {@code acquirer}.
   *
   * @throws ClearingException {@code FOREIGN_INSTITUTION} (403) if the batch or any record names
   *     another acquiring institution; {@code INVALID_RECORDS} (422) listing every invalid field of
   *     the batch (index -1) and of every record (by index)
   */
  public static Parsed validate(InstitutionCode acquirer, ClearingBatch batch) {
    List<FieldError> foreign = new ArrayList<>();
    List<FieldError> errors = new ArrayList<>();
    for (int n : batch.getUnknownFields().asMap().keySet()) {
      errors.add(FieldError.of(-1, "field " + n, "field " + n + " is not a ClearingBatch field."));
    }
    if (!BATCH_ID.matcher(batch.getBatchId()).matches()) {
      errors.add(
          FieldError.of(
              -1, "batch_id", "batch_id must be 1 to 64 characters from A-Z a-z 0-9 . _ : -."));
    }
    if (batch.getAcquirerInstitution().isEmpty()) {
      errors.add(FieldError.of(-1, "acquirer_institution", "acquirer_institution is required."));
    } else if (!parses(batch.getAcquirerInstitution())) {
      errors.add(
          FieldError.of(
              -1, "acquirer_institution", "acquirer_institution must be 1 to 11 digits."));
    } else if (!sameInstitution(acquirer, batch.getAcquirerInstitution())) {
      foreign.add(
          FieldError.of(
              -1,
              "acquirer_institution",
              "the batch names institution "
                  + batch.getAcquirerInstitution()
                  + " but is signed by acquirer "
                  + acquirer.value()
                  + "."));
    }
    if (batch.getRecordsCount() == 0) {
      errors.add(FieldError.of(-1, "records", "a batch has at least one record."));
    } else if (batch.getRecordsCount() > MAX_RECORDS) {
      errors.add(
          FieldError.of(
              -1,
              "records",
              "a batch has at most " + MAX_RECORDS + " records, got " + batch.getRecordsCount()));
    }
    List<ClearingRecord> records = new ArrayList<>();
    Map<String, Integer> firstIndex = new HashMap<>();
    for (int i = 0; i < batch.getRecordsCount() && i < MAX_RECORDS; i++) {
      dev.fangxin.protocol.v1.ClearingRecord p = batch.getRecords(i);
      String recordAcquirer = p.getTrace().getAcquirerInstitution();
      if (p.hasTrace() && parses(recordAcquirer) && !sameInstitution(acquirer, recordAcquirer)) {
        foreign.add(
            FieldError.of(
                i,
                "trace.acquirer_institution",
                "the record belongs to institution "
                    + recordAcquirer
                    + "; acquirer "
                    + acquirer.value()
                    + " may push only its own records."));
        continue;
      }
      Optional<ClearingRecord> r = ClearingRecord.fromProto(p, i, errors);
      if (r.isPresent()) {
        Integer earlier = firstIndex.putIfAbsent(r.get().trace().value(), i);
        if (earlier != null) {
          errors.add(
              FieldError.of(
                  i, "trace", "the same trace is record " + earlier + " of this batch too."));
        } else {
          records.add(r.get());
        }
      }
    }
    if (!foreign.isEmpty()) {
      throw new ClearingException(
          ClearingException.Reason.FOREIGN_INSTITUTION,
          "Acquirer "
              + acquirer.value()
              + " may push only records of its own institution; nothing was stored.",
          foreign);
    }
    if (!errors.isEmpty()) {
      throw new ClearingException(
          ClearingException.Reason.INVALID_RECORDS,
          errors.size()
              + " invalid field(s); one bad record rejects the whole batch, nothing was stored.",
          errors);
    }
    try {
      byte[] sha = MessageDigest.getInstance("SHA-256").digest(batch.toByteArray());
      return new Parsed(batch.getBatchId(), records, sha);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM.", e);
    }
  }

  private static boolean parses(String text) {
    try {
      InstitutionCode.of(text);
      return true;
    } catch (InvalidIdentifierException e) {
      return false;
    }
  }

  private static boolean sameInstitution(InstitutionCode acquirer, String text) {
    try {
      return InstitutionCode.of(text).equals(acquirer);
    } catch (InvalidIdentifierException e) {
      return false;
    }
  }
}
