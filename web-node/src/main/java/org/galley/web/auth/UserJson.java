package org.galley.web.auth;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.galley.web.http.Json;

/** Users as the API shows them: never a key hash; a key only in the answer that made it. */
final class UserJson {
  private UserJson() {}

  static ObjectNode render(ApiUser user) {
    return Json.object().put("id", user.id()).put("name", user.name()).put("is_admin", user.admin())
        .put("has_key", user.hasKey()).put("disabled", user.disabled()).put("create_time", user.createTime().toString());
  }

  static ObjectNode renderWithKey(ApiUser user, String key) {
    return render(user).put("key", key);
  }

  static ObjectNode renderList(List<ApiUser> users) {
    ObjectNode o = Json.object();
    ArrayNode list = o.putArray("users");
    users.forEach(u -> list.add(render(u)));
    return o;
  }
}
