# syntax=docker/dockerfile:1
# meshpilot's container image: `docker build -t meshpilot .` from the repository root.
# Stage 1 builds the fat jar with the project's own wrapper (it installs the pinned Maven through the
# image's mvn); stage 2 runs only that jar on a JRE, as an unprivileged user.

FROM maven:3.9.11-eclipse-temurin-21 AS build
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/root/.m2 ./mvnw -B -q -DskipTests package

FROM eclipse-temurin:21-jre
WORKDIR /app
COPY --from=build /src/control-plane/target/meshpilot.jar /app/meshpilot.jar
# Numeric, so Kubernetes' runAsNonRoot can verify it without a passwd entry.
USER 10001:10001
# 15010 xDS (plaintext), 15012 xDS (TLS), 15014 debug, metrics and /ready.
EXPOSE 15010 15012 15014
# Heap as a share of the container's memory limit; on OOM exit, and let Kubernetes restart the pod.
# The parallel collector, chosen by measurement (charts/meshpilot/README.md, "JVM settings").
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError", "-XX:+UseParallelGC", "-jar", "/app/meshpilot.jar"]
# The command: `server` by default; the Helm chart passes `server` and its flags as args.
CMD ["server"]
