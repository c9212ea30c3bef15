package dev.aegis.policy.grpc;

import dev.aegis.policy.grpc.proto.auth.CheckRequest;
import dev.aegis.policy.grpc.proto.auth.CheckResponse;
import io.grpc.MethodDescriptor;
import io.grpc.protobuf.ProtoUtils;

/** Envoy's ext_authz v3 service, described by hand: its one method is all Aegis calls. */
final class Authorization {
  static final String SERVICE = "envoy.service.auth.v3.Authorization";

  static final MethodDescriptor<CheckRequest, CheckResponse> CHECK =
      MethodDescriptor.<CheckRequest, CheckResponse>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, "Check"))
          .setRequestMarshaller(ProtoUtils.marshaller(CheckRequest.getDefaultInstance()))
          .setResponseMarshaller(ProtoUtils.marshaller(CheckResponse.getDefaultInstance()))
          .build();

  private Authorization() {}
}
