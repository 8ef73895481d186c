package org.galley.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.galley.core.job.Job;
import org.galley.core.tools.Tool;
import org.galley.protocol.JobState;
import org.galley.web.HttpApiFixture.RecordingEvents.CancelRequested;
import org.galley.web.HttpApiFixture.RecordingEvents.Submitted;
import org.galley.web.HttpApiFixture.Reply;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.galley.web.auth.ApiKeys;
import org.galley.web.auth.UserStore;
import org.galley.web.http.Json;

/** The HTTP API over real HTTP and a real database: every route doing what it is for. */
class HttpApiIT extends RunningWebNode {
  static final String HANDLER = "handler-test";
  String alice;
  String bob;

  @BeforeAll
  void createUsers() {
    alice = api.newUser(ADMIN_KEY, "alice");
    bob = api.newUser(ADMIN_KEY, "bob");
  }

  static ObjectNode text(String text) {
    return Json.object().put("text", text);
  }

  long submitAsAlice() {
    Reply r = api.submit(alice, "sort_lines", text("b\na"));
    assertEquals(201, r.status(), r.body());
    return r.json().get("id").asLong();
  }

  /** Claims every new job of the pool as a handler would, and returns the claimed copy of {@code id}. */
  Job claim(long id) {
    String pool = jobs.find(id).orElseThrow().pool();
    return jobs.claimNew(pool, HANDLER, 10_000).stream().filter(j -> j.id() == id).findFirst().orElseThrow();
  }

  static List<Long> ids(JsonNode array) {
    List<Long> ids = new ArrayList<>();
    array.forEach(j -> ids.add(j.get("id").asLong()));
    return ids;
  }

  @Test
  void versionIsServedWithoutAKey() {
    JsonNode v = api.get("/api/version", null).json();
    assertEquals(GalleyVersion.current().version(), v.get("version").asText());
    assertTrue(v.get("version").asText().startsWith(v.get("version_major").asText()));
  }

  @Test
  void submittingAJobStoresItAndTellsItsPool() {
    Tool tool = tools.find("sort_lines").orElseThrow();
    long before = api.count("job");
    Reply r = api.submit(alice, "sort_lines", text("b\na"));
    assertEquals(201, r.status(), r.body());
    JsonNode job = r.json();
    assertEquals("new", job.get("state").asText());
    assertEquals("sort_lines", job.get("tool_id").asText());
    assertEquals(tool.version(), job.get("tool_version").asText());
    assertEquals("b\na", job.get("inputs").get("text").asText());
    assertNotNull(Instant.parse(job.get("create_time").asText()));
    assertTrue(job.get("start_time").isNull());
    assertTrue(job.get("exit_code").isNull());
    assertFalse(job.has("owner"), "where a job runs is for admins");
    assertEquals(before + 1, api.count("job"));
    Job row = jobs.find(job.get("id").asLong()).orElseThrow();
    assertEquals("alice", row.owner());
    assertEquals(tool.targetPool(), row.pool());
    assertTrue(events.submitted.contains(new Submitted(tool.targetPool(), 1)), events.submitted.toString());
  }

  @Test
  void aListOfJobsIsWrittenTogetherAndAnsweredInOrder() {
    long before = api.count("job");
    long historyBefore = api.count("job_history");
    String body = "[{\"tool_id\": \"sort_lines\", \"inputs\": {\"text\": \"one\"}},"
        + " {\"tool_id\": \"sort_lines\", \"inputs\": {\"text\": \"two\"}},"
        + " {\"tool_id\": \"noop\"}]";
    Reply r = api.post("/api/jobs", alice, body);
    assertEquals(201, r.status(), r.body());
    assertEquals(3, r.json().size());
    assertEquals("one", r.json().get(0).get("inputs").get("text").asText());
    assertEquals("two", r.json().get(1).get("inputs").get("text").asText());
    assertEquals("noop", r.json().get(2).get("tool_id").asText());
    List<Long> ids = ids(r.json());
    assertTrue(ids.get(0) < ids.get(1) && ids.get(1) < ids.get(2), ids.toString());
    assertEquals(before + 3, api.count("job"));
    assertEquals(historyBefore + 3, api.count("job_history"));
    String pool = tools.find("sort_lines").orElseThrow().targetPool();
    assertTrue(events.submitted.contains(new Submitted(pool, 3)), events.submitted.toString());
  }

  @Test
  void aListWithOneBadJobIsRefusedWholeNamingTheElement() {
    String body = "[{\"tool_id\": \"sort_lines\", \"inputs\": {\"text\": \"ok\"}},"
        + " {\"tool_id\": \"sort_lines\", \"inputs\": {\"text\": 7}}]";
    api.writesNothing(() -> api.post("/api/jobs", alice, body)).isError(400, "[1].");
    api.writesNothing(() -> api.post("/api/jobs", alice, "[]")).isError(400, "empty");
    api.writesNothing(() -> api.post("/api/jobs", alice, "[{\"tool_id\": \"nope\"}]")).isError(400, "[0].tool_id");
    api.writesNothing(() -> api.post("/api/jobs", alice, "[1]")).isError(400, "[0]");
  }

  @Test
  void concurrentSubmissionsAreEachAnsweredWithTheirOwnJob() throws Exception {
    var pool = java.util.concurrent.Executors.newFixedThreadPool(16);
    try {
      List<java.util.concurrent.Future<Reply>> replies = new ArrayList<>();
      for (int i = 0; i < 64; i++) {
        String text = "c" + i;
        replies.add(pool.submit(() -> api.submit(alice, "sort_lines", text(text))));
      }
      java.util.Set<Long> seen = new java.util.HashSet<>();
      for (int i = 0; i < 64; i++) {
        Reply r = replies.get(i).get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals(201, r.status(), r.body());
        assertEquals("c" + i, r.json().get("inputs").get("text").asText());
        long id = r.json().get("id").asLong();
        assertTrue(seen.add(id), "each submission its own job");
        assertEquals("c" + i, jobs.find(id).orElseThrow().inputs().get("text"));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aUserSeesTheirOwnJob() {
    long id = submitAsAlice();
    JsonNode job = api.get("/api/jobs/" + id, alice).json();
    assertEquals(id, job.get("id").asLong());
    assertEquals("new", job.get("state").asText());
  }

  @Test
  void anotherUsersJobIsNotFoundJustLikeAMissingOne() {
    long id = submitAsAlice();
    Reply theirs = api.get("/api/jobs/" + id, bob).isError(404, "no job " + id);
    Reply missing = api.get("/api/jobs/999999999", bob).isError(404, "no job 999999999");
    assertEquals(missing.json().get("err_code"), theirs.json().get("err_code"));
  }

  @Test
  void adminsSeeEveryJobAndWhereItRuns() {
    long id = submitAsAlice();
    JsonNode job = api.get("/api/jobs/" + id, ADMIN_KEY).json();
    assertEquals("alice", job.get("owner").asText());
    assertEquals(1, job.get("attempt").asInt());
    assertEquals(jobs.find(id).orElseThrow().pool(), job.get("pool").asText());
  }

  @Test
  void usersCreatedAsAdminsSeeEveryJob() {
    Reply created = api.post("/api/users", ADMIN_KEY, "{\"name\": \"ops\", \"is_admin\": true}");
    assertEquals(201, created.status(), created.body());
    long id = submitAsAlice();
    JsonNode job = api.get("/api/jobs/" + id, created.json().get("key").asText()).json();
    assertEquals("alice", job.get("owner").asText());
  }

  @Test
  void aNewUsersKeyIsShownOnceAndOnlyItsHashIsStored() {
    Reply r = api.post("/api/users", ADMIN_KEY, "{\"name\": \"dave\"}");
    assertEquals(201, r.status(), r.body());
    JsonNode user = r.json();
    assertEquals("dave", user.get("name").asText());
    assertTrue(user.get("id").asLong() > 0);
    String key = user.get("key").asText();
    assertTrue(new UserStore(db.dataSource()).findByKeyHash(ApiKeys.hash(key)).isPresent());
    assertTrue(new UserStore(db.dataSource()).findByKeyHash(key).isEmpty(), "the clear key is not stored");
  }

  @Test
  void listingShowsOnlyOwnJobsNewestFirstAndPages() {
    String carol = api.newUser(ADMIN_KEY, "carol");
    List<Long> submitted = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      submitted.add(api.submit(carol, "sort_lines", text("x" + i)).json().get("id").asLong());
    }
    List<Long> newestFirst = List.of(submitted.get(2), submitted.get(1), submitted.get(0));
    assertEquals(newestFirst, ids(api.get("/api/jobs", carol).json()));
    assertEquals(newestFirst.subList(0, 2), ids(api.get("/api/jobs?limit=2", carol).json()));
    assertEquals(newestFirst.subList(2, 3), ids(api.get("/api/jobs?limit=2&offset=2", carol).json()));
    assertEquals(newestFirst, ids(api.get("/api/jobs?state=new,queued", carol).json()));
    assertEquals(List.of(), ids(api.get("/api/jobs?state=ok&state=error", carol).json()));
    assertEquals(newestFirst, ids(api.get("/api/jobs?tool_id=sort_lines", carol).json()));
    assertEquals(List.of(), ids(api.get("/api/jobs?tool_id=word_count", carol).json()));
  }

  @Test
  void adminsListEveryonesJobs() {
    long mine = submitAsAlice();
    long theirs = api.submit(bob, "sort_lines", text("z")).json().get("id").asLong();
    List<Long> all = ids(api.get("/api/jobs?limit=500", ADMIN_KEY).json());
    assertTrue(all.contains(mine) && all.contains(theirs), all.toString());
    assertFalse(ids(api.get("/api/jobs?limit=500", bob).json()).contains(mine));
  }

  @Test
  void theKeyMayBeGivenAsAQueryParameter() {
    long id = submitAsAlice();
    assertEquals(id, api.get("/api/jobs/" + id + "?key=" + alice, null).json().get("id").asLong());
  }

  @Test
  void cancellingANewJobDeletesItAtOnce() {
    long id = submitAsAlice();
    JsonNode job = api.delete("/api/jobs/" + id, alice).json();
    assertEquals("deleted", job.get("state").asText());
    assertFalse(job.get("end_time").isNull());
    assertEquals(JobState.DELETED, jobs.find(id).orElseThrow().state());
    assertTrue(events.cancelRequested.stream().noneMatch(c -> c.jobId() == id), "no handler to tell");
  }

  @Test
  void cancellingAClaimedJobAsksItsHandlerToStopIt() {
    long id = submitAsAlice();
    claim(id);
    JsonNode job = api.delete("/api/jobs/" + id, alice).json();
    assertEquals("deleting", job.get("state").asText());
    assertEquals(JobState.DELETING, jobs.find(id).orElseThrow().state());
    assertTrue(events.cancelRequested.contains(new CancelRequested(id, HANDLER)), events.cancelRequested.toString());
  }

  @Test
  void aUserCannotCancelAnotherUsersJob() {
    long id = submitAsAlice();
    api.writesNothing(() -> api.delete("/api/jobs/" + id, bob)).isError(404, "no job " + id);
    assertEquals(JobState.NEW, jobs.find(id).orElseThrow().state());
  }

  @Test
  void stdoutAndStderrAreServedFromTheJobsWorkingDirectory() throws IOException {
    long id = submitAsAlice();
    Job claimed = claim(id);
    Path dir = Files.createDirectories(varDir.resolve("jobs").resolve(Long.toString(id)));
    Files.writeString(dir.resolve("stdout"), "a\nb\n");
    Files.writeString(dir.resolve("stderr"), "warning: ünïcode\n");
    assertTrue(jobs.markRunning(id, claimed.attempt(), HANDLER, "local", "4242", dir.toString()));

    Reply out = api.get("/api/jobs/" + id + "/stdout", alice);
    assertEquals(200, out.status());
    assertEquals("text/plain; charset=UTF-8", out.headers().firstValue("content-type").orElse(""));
    assertEquals("a\nb\n", out.body());
    assertEquals("warning: ünïcode\n", api.get("/api/jobs/" + id + "/stderr", alice).body());
    api.get("/api/jobs/" + id + "/stdout", bob).isError(404, "no job " + id);
  }

  @Test
  void theOutputOfAJobThatHasNotStartedIsEmpty() {
    long id = submitAsAlice();
    Reply out = api.get("/api/jobs/" + id + "/stderr", alice);
    assertEquals(200, out.status());
    assertEquals("", out.body());
  }

  @Test
  void toolsAreListedWithTheirParameters() {
    JsonNode list = api.get("/api/tools", bob).json();
    List<String> listed = new ArrayList<>();
    list.forEach(t -> listed.add(t.get("id").asText()));
    assertEquals(tools.all().stream().map(Tool::id).toList(), listed);
    assertTrue(listed.containsAll(List.of("sort_lines", "word_count", "checksum", "sleep", "fail")), listed.toString());
    JsonNode sort = api.get("/api/tools/sort_lines", bob).json();
    assertEquals("sort_lines", sort.get("id").asText());
    assertEquals(tools.find("sort_lines").orElseThrow().targetPool(), sort.get("pool").asText());
    List<String> params = new ArrayList<>();
    sort.get("parameters").forEach(p -> params.add(p.get("name").asText()));
    assertTrue(params.contains("text"), params.toString());
  }
}
